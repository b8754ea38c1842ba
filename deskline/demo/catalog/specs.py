"""The shapes of the demo's catalogue: teams, desks, request types and their form fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from deskline.desks.models import FieldType

# The options of every "which office" field: the names of the demo's organizations.
OFFICES = ("Shanghai", "Sydney", "San Francisco")

# The Simplified Chinese label of every option of the demo's forms, by its stored value (the
# English text, which is also its English label).
OPTION_NAMES_ZH: dict[str, str] = {
    'MacBook Air 13"': "MacBook Air 13 英寸",
    'MacBook Pro 14"': "MacBook Pro 14 英寸",
    "ThinkPad X1 Carbon": "ThinkPad X1 Carbon 笔记本",
    "Dell Latitude 7450": "戴尔 Latitude 7450",
    "Docking station": "扩展坞",
    "Second monitor": "第二台显示器",
    "Headset": "耳机",
    "Keyboard and mouse": "键盘和鼠标",
    "Standard": "标准",
    "Engineering network": "工程网络",
    "Finance systems": "财务系统",
    "Shanghai": "上海",
    "Sydney": "悉尼",
    "San Francisco": "旧金山",
    "Wired": "有线网络",
    "Wi-Fi": "Wi-Fi 无线网络",
    "VPN": "VPN 远程访问",
    "Video conferencing": "视频会议",
    "Adobe Creative Cloud": "Adobe Creative Cloud 创意套件",
    "Microsoft Visio": "Microsoft Visio 绘图软件",
    "JetBrains All Products": "JetBrains 全家桶",
    "Figma": "Figma 设计工具",
    "Tableau": "Tableau 数据分析",
    "Zoom Pro": "Zoom 专业版",
    "Windows / Active Directory": "Windows / 域账号",
    "E-mail": "电子邮件",
    "Finance system (SAP)": "财务系统（SAP）",
    "Other": "其他",
    "Paper jam": "卡纸",
    "Poor print quality": "打印质量差",
    "Offline / not found": "离线 / 找不到",
    "Out of toner": "缺少墨粉",
    "Annual leave": "年假",
    "Sick leave": "病假",
    "Parental leave": "育儿假",
    "Unpaid leave": "无薪假",
    "Public holiday": "公共假期",
    "Salary": "工资",
    "Overtime": "加班费",
    "Tax": "个税",
    "Bonus": "奖金",
    "Expense reimbursement": "费用报销",
    "Employment verification": "在职证明",
    "Visa application": "签证申请",
    "Bank or mortgage": "银行或房贷",
    "Rental application": "租房申请",
    "English": "英文",
    "Chinese": "中文",
    "Customer agreement": "客户合同",
    "Supplier agreement": "供应商合同",
    "Partnership": "合作协议",
    "Lease": "租赁合同",
    "Mutual": "双向保密",
    "One-way, we disclose": "单向，我方披露",
    "One-way, they disclose": "单向，对方披露",
    "China": "中国",
    "Australia": "澳大利亚",
    "United States": "美国",
    "European Union": "欧盟",
    "GDPR": "GDPR（欧盟）",
    "PIPL (China)": "个人信息保护法（中国）",
    "Australian Privacy Act": "澳大利亚隐私法",
    "CCPA": "CCPA（加州）",
    "Broken wheel": "轮子损坏",
    "Sinks slowly": "缓慢下沉",
    "Loose armrest": "扶手松动",
    "Broken backrest": "靠背损坏",
    "Double booked": "重复预订",
    "Screen not working": "屏幕无法使用",
    "Cannot book": "无法预订",
    "Room not tidied": "会议室未整理",
    "Spill": "溢洒",
    "Kitchen": "茶水间",
    "Washroom": "洗手间",
    "Deep clean": "深度清洁",
    "New badge": "新办门禁卡",
    "Lost badge": "门禁卡丢失",
    "Broken badge": "门禁卡损坏",
    "More access": "增加门禁权限",
    "Main entrance": "正门",
    "Car park": "停车场",
    "Server room": "机房",
    "Lab": "实验室",
    "Too hot": "太热",
    "Too cold": "太冷",
    "Noisy": "噪音大",
    "Leaking": "漏水",
}


@dataclass(frozen=True)
class TeamSpec:
    """A team of agents."""

    name: str
    description: str


@dataclass(frozen=True)
class FieldSpec:
    """One field of a request type's form, with the sample values tickets fill in."""

    key: str
    label: str
    label_zh: str
    field_type: str
    help_text: str = ""
    help_text_zh: str = ""
    is_required: bool = False
    options: tuple[str, ...] = ()
    samples: tuple[Any, ...] = ()
    samples_zh: tuple[Any, ...] = ()
    # A number field's bounds and step, e.g. a count: minimum 1, step 1.
    number_min: Decimal | None = None
    number_max: Decimal | None = None
    number_step: Decimal | None = None

    def as_action_spec(self) -> dict[str, Any]:
        """The attributes `request_type_create` takes for this field; each option is stored
        by its English text, with its Chinese label from `OPTION_NAMES_ZH`."""
        zh: dict[str, Any] = {"label": self.label_zh}
        if self.help_text_zh:
            zh["help_text"] = self.help_text_zh
        if self.options:
            zh["options"] = {option: OPTION_NAMES_ZH[option] for option in self.options}
        spec: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "field_type": self.field_type,
            "help_text": self.help_text,
            "is_required": self.is_required,
            "options": [{"value": option, "label": option} for option in self.options],
            "translations": {"zh-hans": zh},
        }
        if self.field_type == FieldType.NUMBER:
            spec.update(
                number_min=self.number_min, number_max=self.number_max, number_step=self.number_step
            )
        return spec


@dataclass(frozen=True)
class RequestTypeSpec:
    """A request type, its form, how often it is raised and where it escalates to."""

    name: str
    name_zh: str
    description: str
    description_zh: str
    kind: str
    fields: tuple[FieldSpec, ...]
    weight: int = 1
    # The specialist team a Frontline agent hands the request to, when it needs one.
    escalate_to: str | None = None


@dataclass(frozen=True)
class DeskSpec:
    """A desk, the teams that serve it (the first takes new requests) and its request types."""

    key: str
    name: str
    name_zh: str
    description: str
    description_zh: str
    teams: tuple[str, ...]
    request_types: tuple[RequestTypeSpec, ...] = field(default_factory=tuple)
    weight: int = 1


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("Frontline", "First line for every IT request, across all three sites."),
    TeamSpec("Office engineering", "Networks, printers, meeting rooms and office hardware."),
    TeamSpec("Workplace technology", "Laptops, accounts, software and licences."),
    TeamSpec("People team", "Hiring, onboarding, leave, payroll and letters."),
    TeamSpec("Legal counsel", "Contracts, NDAs, trademarks and data protection."),
    TeamSpec("Facilities crew", "Furniture, rooms, cleaning, badges and air conditioning."),
)


class NumberBounds(TypedDict, total=False):
    """A number field's bounds and step, as `FieldSpec` takes them."""

    number_min: Decimal
    number_max: Decimal
    number_step: Decimal


# A count of people or things: whole numbers from 1.
COUNT: NumberBounds = {"number_min": Decimal(1), "number_step": Decimal(1)}
# An amount of money: not negative, in cents.
AMOUNT: NumberBounds = {"number_min": Decimal(0), "number_step": Decimal("0.01")}

SITE_FIELD = FieldSpec(
    "site", "Office", "办公室", FieldType.SINGLE_SELECT, options=OFFICES, is_required=True,
    help_text="The office this is about.", help_text_zh="与此请求相关的办公室。",
)  # fmt: skip


def translations(name: str, description: str) -> dict[str, dict[str, str]]:
    """The Simplified Chinese `translations` of a desk or request type."""
    return {"zh-hans": {"name": name, "description": description}}
