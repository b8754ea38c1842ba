"""The demo's knowledge base: categories per desk (and a global one) and a handful of articles in
English and Chinese, some of them translations of each other, as the desks' agents wrote them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategorySpec:
    key: str
    desk: str | None
    name: str
    name_zh: str
    description: str = ""


@dataclass(frozen=True)
class ArticleSpec:
    key: str
    desk: str | None
    category: str
    author: str  # a login of demo/people.py
    language: str
    title: str
    body: str
    status: str = "published"
    translates: str | None = None  # the key of the article this one is a translation of
    outdated: str = ""  # why an agent flagged it as outdated


CATEGORIES = (
    CategorySpec("getting-help", None, "Getting help", "获取帮助",
                 "How the help center and the desks work."),
    CategorySpec("accounts", "IT", "Accounts and passwords", "账号与密码"),
    CategorySpec("network", "IT", "Network and VPN", "网络与 VPN"),
    CategorySpec("devices", "IT", "Laptops, phones and printers", "电脑、手机与打印机"),
    CategorySpec("leave", "HR", "Leave and time off", "休假"),
    CategorySpec("pay", "HR", "Pay and expenses", "工资与报销"),
    CategorySpec("rooms", "FAC", "Rooms and buildings", "会议室与楼宇"),
)  # fmt: skip

ARTICLES = (
    ArticleSpec(
        "help-fast", None, "getting-help", "admin", "en", "How to get help fast",
        "Most questions are answered in minutes when the request says enough.\n\n"
        "1. **Search first**: type a few words on the desk's page; articles that match appear "
        "as you type.\n"
        "2. **Pick the right form**: each desk lists its request types; the form asks for "
        "what the team needs.\n"
        "3. **Add a screenshot** of any error message.\n\n"
        "Urgent outage? Choose *Something is broken* and set the priority to **critical**.",
    ),
    ArticleSpec(
        "help-fast-zh", None, "getting-help", "admin", "zh-hans", "如何快速获得帮助",
        "请求写清楚，多数问题几分钟内就能得到答复。\n\n"
        "1. **先搜索**：在服务台页面输入几个词，相关文章会随输入显示。\n"
        "2. **选择正确的表单**：每个服务台都列出了请求类型，表单会询问团队需要的信息。\n"
        "3. **附上截图**：如有错误提示，请截图上传。\n\n"
        "紧急故障？请选择“故障报修”，并将优先级设为**紧急**。",
        translates="help-fast",
    ),
    ArticleSpec(
        "password", "IT", "accounts", "li.wei", "en", "Reset your password",
        "You can reset your own password at any time:\n\n"
        "1. Go to **id.deskline.example** and choose *Forgot password*.\n"
        "2. Approve the sign-in request on your phone.\n"
        "3. Choose a new password of at least 14 characters.\n\n"
        "Locked out after three tries? Wait 15 minutes, or raise a *Password reset* request "
        "and the service desk unlocks you.",
    ),
    ArticleSpec(
        "password-zh", "IT", "accounts", "li.wei", "zh-hans", "重置密码",
        "你可以随时自行重置密码：\n\n"
        "1. 打开 **id.deskline.example**，点击“忘记密码”。\n"
        "2. 在手机上批准登录请求。\n"
        "3. 设置至少 14 个字符的新密码。\n\n"
        "连续输错三次被锁定？请等待 15 分钟，或提交“重置密码”请求，由服务台为你解锁。",
        translates="password",
    ),
    ArticleSpec(
        "vpn", "IT", "network", "chloe.nguyen", "en", "Connect to the VPN from home",
        "The VPN gives you the shared drives and internal sites from anywhere.\n\n"
        "1. Open **GlobalProtect** from the system tray (Windows) or the menu bar (Mac).\n"
        "2. Portal: `vpn.deskline.example`.\n"
        "3. Sign in with your work e-mail and approve the request on your phone.\n\n"
        "If it keeps disconnecting, switch from Wi-Fi to a cable, or restart the router. "
        "Hotel networks sometimes block the VPN: use your phone's hotspot instead.",
    ),
    ArticleSpec(
        "vpn-zh", "IT", "network", "li.wei", "zh-hans", "在家连接 VPN",
        "通过 VPN，你可以在任何地方访问共享盘和内部网站。\n\n"
        "1. 在系统托盘（Windows）或菜单栏（Mac）中打开 **GlobalProtect**。\n"
        "2. 门户地址：`vpn.deskline.example`。\n"
        "3. 使用公司邮箱登录，并在手机上批准请求。\n\n"
        "如果经常断开，请改用网线，或重启路由器。酒店网络有时会屏蔽 VPN，可以改用手机热点。",
        translates="vpn",
    ),
    ArticleSpec(
        "phone-mail", "IT", "devices", "marcus.reed", "en", "Set up work e-mail on your phone",
        "Install **Microsoft Outlook** from the App Store or Google Play, open it and add your "
        "work e-mail address. Approve the sign-in on your phone and allow the device "
        "management profile when asked.\n\nThe built-in Mail app is not supported.",
        outdated="The device management profile step changed with the new phone policy.",
    ),
    ArticleSpec(
        "printer-zh", "IT", "devices", "wang.fang", "zh-hans", "添加网络打印机",
        "1. 打开“设置” > “打印机和扫描仪”。\n"
        "2. 点击“添加设备”，选择离你最近的打印机（名称以楼层开头，例如 `SH-3F-01`）。\n"
        "3. 首次打印时使用工卡在打印机上刷卡取件。\n\n"
        "打印机卡纸或缺粉，请提交“故障报修”请求并注明打印机名称。",
    ),
    ArticleSpec(
        "battery", "IT", "devices", "daniel.okafor", "en", "Replace a laptop battery",
        "Draft: which models we swap on site, and which go back to the vendor.",
        status="draft",
    ),
    ArticleSpec(
        "leave", "HR", "leave", "sophie.martin", "en", "Request annual leave",
        "Request leave at least **two weeks** ahead for more than three days.\n\n"
        "1. Open the HR desk and choose *Leave request*.\n"
        "2. Give the first and last day; half days are fine.\n"
        "3. Your manager approves it; you get an e-mail either way.\n\n"
        "Public holidays of your office are not counted.",
    ),
    ArticleSpec(
        "leave-zh", "HR", "leave", "zhao.li", "zh-hans", "申请年假",
        "休假超过三天，请至少提前**两周**申请。\n\n"
        "1. 打开人力资源服务台，选择“休假申请”。\n"
        "2. 填写开始和结束日期，可以请半天假。\n"
        "3. 经理审批后，你会收到邮件通知。\n\n"
        "所在办公室的法定节假日不计入年假。",
        translates="leave",
    ),
    ArticleSpec(
        "payday", "HR", "pay", "sophie.martin", "en", "When is payday?",
        "Salaries are paid on the **25th** of each month, or the working day before when the "
        "25th falls on a weekend or a public holiday. Payslips are in the HR portal from the "
        "23rd.",
    ),
    ArticleSpec(
        "rooms", "FAC", "rooms", "jack.wilson", "en", "Book a meeting room",
        "Book rooms from your Outlook calendar: create a meeting and choose **Room finder**. "
        "Rooms with a screen are marked with a TV icon. A booking nobody checks into within "
        "15 minutes is released.",
    ),
)  # fmt: skip
