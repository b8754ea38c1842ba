"""The demo's people: three offices, a site admin, agents in their teams and the customers."""

from __future__ import annotations

from dataclasses import dataclass

from deskline.accounts.models import Locale, Role

EMAIL_DOMAIN = "deskline.example"
PASSWORD = "deskline-demo"  # the documented password of every demo account
ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class Site:
    """An office: its customers form one organization and share its time zone and language."""

    organization: str
    time_zone: str
    locale: str


SHANGHAI = Site("Shanghai", "Asia/Shanghai", Locale.SIMPLIFIED_CHINESE)
SYDNEY = Site("Sydney", "Australia/Sydney", Locale.ENGLISH)
SAN_FRANCISCO = Site("San Francisco", "America/Los_Angeles", Locale.ENGLISH)
SITES: tuple[Site, ...] = (SHANGHAI, SYDNEY, SAN_FRANCISCO)


@dataclass(frozen=True)
class Person:
    """Someone in the demo; agents name the one team they work in."""

    login: str  # the part of the e-mail address before the @
    display_name: str
    site: Site
    role: str = Role.CUSTOMER
    team: str | None = None

    @property
    def email(self) -> str:
        """Their e-mail address, which is also their login."""
        return f"{self.login}@{EMAIL_DOMAIN}"

    @property
    def speaks_chinese(self) -> bool:
        """True for the Shanghai office, whose people write and read in Chinese."""
        return self.site.locale == Locale.SIMPLIFIED_CHINESE


ADMIN = Person("admin", "Deskline Admin", SAN_FRANCISCO, Role.SITE_ADMIN)


def _agent(login: str, name: str, site: Site, team: str, role: str = Role.AGENT) -> Person:
    return Person(login, name, site, role, team)


AGENTS: tuple[Person, ...] = (
    _agent("li.wei", "李伟", SHANGHAI, "Frontline"),
    _agent("chloe.nguyen", "Chloe Nguyen", SYDNEY, "Frontline"),
    _agent("marcus.reed", "Marcus Reed", SAN_FRANCISCO, "Frontline"),
    _agent("wang.fang", "王芳", SHANGHAI, "Office engineering"),
    _agent("daniel.okafor", "Daniel Okafor", SAN_FRANCISCO, "Office engineering"),
    _agent("liam.walker", "Liam Walker", SYDNEY, "Workplace technology", Role.DESK_ADMIN),
    _agent("chen.jie", "陈杰", SHANGHAI, "Workplace technology"),
    _agent("sophie.martin", "Sophie Martin", SAN_FRANCISCO, "People team", Role.DESK_ADMIN),
    _agent("zhao.li", "赵丽", SHANGHAI, "People team"),
    _agent("olivia.bennett", "Olivia Bennett", SYDNEY, "Legal counsel"),
    _agent("jack.wilson", "Jack Wilson", SYDNEY, "Facilities crew"),
    _agent("zhou.qiang", "周强", SHANGHAI, "Facilities crew"),
)

_SHANGHAI_CUSTOMERS = (
    ("zhang.min", "张敏"), ("liu.yang", "刘洋"), ("chen.jing", "陈静"), ("yang.fan", "杨帆"),
    ("huang.lei", "黄磊"), ("zhou.ting", "周婷"), ("wu.hao", "吴昊"), ("xu.lin", "徐琳"),
    ("sun.yue", "孙悦"), ("ma.jun", "马骏"), ("zhu.qian", "朱倩"), ("hu.bin", "胡斌"),
    ("guo.xin", "郭鑫"), ("lin.na", "林娜"),
)  # fmt: skip
_SYDNEY_CUSTOMERS = (
    ("emma.taylor", "Emma Taylor"), ("noah.smith", "Noah Smith"), ("mia.jones", "Mia Jones"),
    ("william.clarke", "William Clarke"), ("charlotte.white", "Charlotte White"),
    ("james.harris", "James Harris"), ("amelia.king", "Amelia King"),
    ("lucas.evans", "Lucas Evans"), ("isla.roberts", "Isla Roberts"),
    ("henry.thompson", "Henry Thompson"), ("grace.lee", "Grace Lee"),
    ("oscar.hall", "Oscar Hall"), ("ruby.wright", "Ruby Wright"),
)  # fmt: skip
_SAN_FRANCISCO_CUSTOMERS = (
    ("ava.johnson", "Ava Johnson"), ("jacob.miller", "Jacob Miller"),
    ("sofia.rodriguez", "Sofia Rodriguez"), ("michael.chen", "Michael Chen"),
    ("emily.davis", "Emily Davis"), ("carlos.hernandez", "Carlos Hernandez"),
    ("priya.patel", "Priya Patel"), ("ryan.murphy", "Ryan Murphy"), ("hannah.kim", "Hannah Kim"),
    ("kevin.nguyen", "Kevin Nguyen"), ("natalie.scott", "Natalie Scott"),
    ("tyler.brooks", "Tyler Brooks"), ("aisha.rahman", "Aisha Rahman"),
)  # fmt: skip

CUSTOMERS: tuple[Person, ...] = tuple(
    Person(login, name, site)
    for site, people in (
        (SHANGHAI, _SHANGHAI_CUSTOMERS),
        (SYDNEY, _SYDNEY_CUSTOMERS),
        (SAN_FRANCISCO, _SAN_FRANCISCO_CUSTOMERS),
    )
    for login, name in people
)

EVERYONE: tuple[Person, ...] = (ADMIN, *AGENTS, *CUSTOMERS)

# The logins the README and `make run` print; the demo's tickets give them plenty to look at.
FEATURED_AGENT = "li.wei"
FEATURED_CUSTOMER = "zhang.min"


def first_name(person: Person) -> str:
    """How an agent greets someone: the given name, or the whole name in Chinese."""
    return person.display_name if person.speaks_chinese else person.display_name.split()[0]
