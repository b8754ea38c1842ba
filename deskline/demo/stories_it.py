"""Stories for the IT desk's request types (see `deskline.demo.stories`)."""

from __future__ import annotations

from deskline.demo.stories import Story, story

IT_STORIES: dict[str, tuple[Story, ...]] = {
    "New laptop": (
        story(
            "Laptop for a new designer joining next month",
            "We have a product designer starting soon. She will work on large Figma files, "
            "so a MacBook Pro would be best. Please have it ready on her first day.",
            "下个月入职的设计师需要一台笔记本电脑",
            "我们团队有一位产品设计师即将入职，她需要处理较大的 Figma 文件，"
            "希望能配一台 MacBook Pro，最好在她入职第一天准备好。",
            "hardware",
            "onboarding",
            model='MacBook Pro 14"',
            replaces_existing=False,
            justification=("New starter in my team.", "团队新同事入职。"),
        ),
        story(
            "My laptop battery dies within an hour",
            "The battery on my ThinkPad lasts less than an hour now and the laptop gets very "
            "hot. It is four years old. Can I get a replacement?",
            "笔记本电脑电池不到一小时就没电了",
            "我的 ThinkPad 电池现在撑不过一小时，而且机身很烫。这台电脑已经用了四年，"
            "能否更换一台新的？",
            "hardware",
            "battery",
            model="ThinkPad X1 Carbon",
            replaces_existing=True,
            justification=(
                "Battery worn out; the laptop is four years old.",
                "电池老化，电脑已用四年。",
            ),
        ),
        story(
            "Replacement laptop after a coffee spill",
            "I spilled coffee on my keyboard this morning. The laptop still starts but several "
            "keys do not work. My files are in OneDrive.",
            "咖啡洒到键盘上，需要更换电脑",
            "今天早上不小心把咖啡洒到了键盘上，电脑还能开机，但有好几个键失灵了。"
            "我的文件都在 OneDrive 里。",
            "hardware",
            "damage",
            priority="high",
            replaces_existing=True,
            justification=("Keyboard damaged by a spill.", "键盘进水损坏。"),
        ),
        story(
            "Laptop upgrade for data analysis work",
            "I now run large Tableau extracts every day and my 8 GB laptop cannot keep up. "
            "My manager has agreed to an upgrade.",
            "数据分析工作需要升级电脑",
            "我现在每天都要处理很大的 Tableau 数据，8 GB 内存的电脑已经跟不上了，"
            "经理已经同意升级。",
            "hardware",
            model="Dell Latitude 7450",
            replaces_existing=True,
            justification=(
                "Not enough memory for daily Tableau work.",
                "内存不足，无法满足日常 Tableau 工作。",
            ),
        ),
    ),
    "VPN access": (
        story(
            "VPN access for working from home",
            "I have agreed with my manager to work from home on Mondays and Fridays. "
            "Please set up VPN access to the intranet and the file shares.",
            "申请居家办公的 VPN 权限",
            "我和经理商定每周一和周五居家办公，请帮我开通访问内网和共享盘的 VPN 权限。",
            "vpn",
            "remote-work",
            access_level="Standard",
        ),
        story(
            "Need the engineering network over VPN",
            "I joined the platform team last week and need to reach the build servers from "
            "home. My current VPN profile only allows the standard network.",
            "需要通过 VPN 访问工程网络",
            "我上周调到平台组，需要在家访问构建服务器。目前的 VPN 配置只能访问标准网络。",
            "vpn",
            "access",
            access_level="Engineering network",
            end_date=None,
        ),
        story(
            "VPN for a customer visit abroad",
            "I am travelling to a customer next week and will need the finance systems "
            "while I am away.",
            "出差期间需要 VPN 访问财务系统",
            "下周我要去海外拜访客户，出差期间需要访问财务系统。",
            "vpn",
            "travel",
            access_level="Finance systems",
        ),
    ),
    "Network outage": (
        story(
            "Wi-Fi down on the whole floor",
            "Nobody on our floor can connect to the office Wi-Fi since about 9:30. Wired "
            "connections still work. Laptops see the network but fail to get an address.",
            "整层楼的 Wi-Fi 都断了",
            "从大约 9:30 开始，我们这层楼所有人都连不上办公室 Wi-Fi，有线网络还正常。"
            "电脑能搜到网络，但获取不到 IP 地址。",
            "network",
            "wifi",
            priority="critical",
            connections=["Wi-Fi"],
            users_affected=40,
        ),
        story(
            "Video calls keep dropping in the meeting rooms",
            "Teams calls from the meeting rooms drop every few minutes. We had three customer "
            "calls cut off today.",
            "会议室视频会议频繁掉线",
            "会议室里的 Teams 通话每隔几分钟就会断开，今天已经有三个客户电话被中断了。",
            "network",
            "video",
            priority="high",
            connections=["Video conferencing"],
            area=("Level 3 meeting rooms", "3 楼会议室"),
        ),
        story(
            "No network at the desks near the windows",
            "The wired ports on the window side of our area show no link. The lights on the "
            "wall sockets are off.",
            "靠窗工位的有线网络不通",
            "我们区域靠窗一侧的网口都没有连接，墙上网口的指示灯也不亮。",
            "network",
            "wired",
            connections=["Wired"],
            users_affected=8,
        ),
        story(
            "Internet very slow since this morning",
            "Web pages take ages to load and uploads to SharePoint time out. It started "
            "around 8 this morning.",
            "从早上开始网速非常慢",
            "网页打开很慢，上传到 SharePoint 总是超时，大概从早上 8 点开始。",
            "network",
            "performance",
            connections=["Wired", "Wi-Fi"],
            users_affected=120,
        ),
    ),
    "Software licence": (
        story(
            "Adobe Creative Cloud for the marketing team",
            "Our team is producing the new product brochures in-house. We need Creative Cloud "
            "for two people.",
            "市场部需要 Adobe Creative Cloud 许可证",
            "我们团队要自己制作新产品宣传册，需要给两位同事开通 Creative Cloud。",
            "software",
            "licence",
            software="Adobe Creative Cloud",
            seats=2,
            cost_centre="CC-4100 Marketing",
            business_reason=("Brochures are now produced in-house.", "宣传册改为内部制作。"),
        ),
        story(
            "Visio licence to draw network diagrams",
            "I need Visio to update the office network diagrams for the audit.",
            "需要 Visio 许可证绘制网络图",
            "为了配合审计，我需要用 Visio 更新办公室网络拓扑图。",
            "software",
            "licence",
            software="Microsoft Visio",
            seats=1,
            business_reason=("Network diagrams for the audit.", "审计需要更新网络拓扑图。"),
        ),
        story(
            "Tableau licence has expired",
            "Tableau says my licence expired yesterday and I cannot open the sales dashboards.",
            "Tableau 许可证已过期",
            "Tableau 提示我的许可证昨天已过期，现在打不开销售看板。",
            "software",
            "licence",
            priority="high",
            software="Tableau",
            seats=1,
            cost_centre="CC-1200 Sales",
            business_reason=("The sales dashboards are in Tableau.", "销售看板在 Tableau 中。"),
        ),
    ),
    "Password reset / account locked": (
        story(
            "Locked out after changing my password",
            "I changed my password yesterday and this morning my account is locked. I think "
            "my phone kept trying the old one.",
            "修改密码后账号被锁定",
            "我昨天改了密码，今天早上账号就被锁了，可能是手机一直在用旧密码登录。",
            "account",
            "password",
            priority="high",
            account="Windows / Active Directory",
        ),
        story(
            "Cannot sign in to SAP",
            "SAP says my user is locked. I need to approve invoices before the month-end close.",
            "无法登录 SAP",
            "SAP 提示我的用户已被锁定，我需要在月末结账前审批发票。",
            "account",
            "sap",
            priority="high",
            account="Finance system (SAP)",
        ),
        story(
            "Forgot my password after holiday",
            "I was away for three weeks and cannot remember my new password.",
            "休假回来忘记密码了",
            "我休假三周回来，想不起来新密码了。",
            "account",
            "password",
            account="Windows / Active Directory",
        ),
        story(
            "Multi-factor prompt never arrives",
            "I got a new phone and the sign-in approval never arrives, so I cannot get into "
            "e-mail.",
            "收不到多重身份验证通知",
            "我换了新手机，登录时一直收不到验证通知，现在无法登录邮箱。",
            "account",
            "mfa",
            account="E-mail",
        ),
    ),
    "Printer problem": (
        story(
            "Printer jams on every double-sided job",
            "The printer in the print room jams whenever someone prints double-sided. Single "
            "pages are fine.",
            "双面打印时打印机总是卡纸",
            "打印室的打印机只要双面打印就卡纸，单面打印正常。",
            "printer",
            problem="Paper jam",
        ),
        story(
            "Printer not showing up on my laptop",
            "After the last update I cannot find the floor printer any more. Colleagues next "
            "to me can print.",
            "电脑上找不到打印机",
            "上次系统更新后，我的电脑就找不到这层的打印机了，旁边的同事都能正常打印。",
            "printer",
            "drivers",
            problem="Offline / not found",
            error_code=None,
        ),
        story(
            "Prints come out with grey streaks",
            "Everything printed on this printer has grey streaks down the page. We need to "
            "print contracts today.",
            "打印出来的纸上有灰色条纹",
            "这台打印机打出来的每一页都有竖向灰色条纹，我们今天还要打印合同。",
            "printer",
            "toner",
            problem="Poor print quality",
        ),
    ),
}
