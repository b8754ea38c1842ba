"""What people write on the demo's tickets: replies, questions, answers and internal notes.

Every line comes in English and Simplified Chinese, as `(english, chinese)`. `{name}` is the
person addressed, `{agent}` the agent writing and `{team}` a team the ticket moves to.
"""

from __future__ import annotations

Line = tuple[str, str]

ACKNOWLEDGEMENTS: tuple[Line, ...] = (
    ("Hi {name}, thanks for letting us know. I'm looking into it now.",
     "{name}您好，已收到您的请求，我正在处理。"),
    ("Hi {name}, I've picked this up and will get back to you shortly.",
     "{name}您好，这个请求由我来跟进，稍后给您回复。"),
    ("Thanks {name}. I'm on it and will keep you posted here.",
     "谢谢{name}，我来处理，进展会在这里同步给您。"),
)  # fmt: skip

# A question an agent asks and the reporter's answer, as (question, answer), by request type.
QUESTIONS: dict[str, tuple[tuple[Line, Line], ...]] = {
    "New laptop": (
        (("Has your manager approved this? A short reply from them on this ticket is enough.",
          "请问经理是否已批准？请经理在这个工单里简单回复一下即可。"),
         ("Yes, my manager approved it; she's copied on this thread.",
          "是的，经理已经批准了，她也在这个邮件往来里。")),
    ),
    "VPN access": (
        (("Which systems do you need to reach? The engineering network needs your manager's "
          "approval.", "您需要访问哪些系统？工程网络权限需要经理审批。"),
         ("The build servers and the internal wiki. My manager has approved it.",
          "构建服务器和内部 wiki，经理已经批准了。")),
    ),
    "Network outage": (
        (("Is it still down for you? Could you tell me the number on the wall socket or the "
          "Wi-Fi name you see?", "现在还断着吗？请告诉我墙上网口的编号或您看到的 Wi-Fi 名称。"),
         ("Still down. The socket says 12-E-041 and the Wi-Fi is Deskline-Staff.",
          "还是不通。网口编号是 12-E-041，Wi-Fi 名称是 Deskline-Staff。")),
    ),
    "Software licence": (
        (("Could you confirm the cost centre? Finance needs it before we buy the licence.",
          "请确认成本中心，财务需要在购买前确认。"),
         ("Yes, that's the right cost centre and finance knows about it.",
          "是的，成本中心没错，财务也知道。")),
    ),
    "Password reset / account locked": (
        (("I need to verify who you are first. When can I call you on the number in the staff "
          "directory?", "需要先核实您的身份。我会拨打通讯录里的号码联系您，什么时间方便？"),
         ("Any time before 4 pm today works, thanks.", "今天下午 4 点前都可以，谢谢。")),
    ),
    "Printer problem": (
        (("Could you send a photo of the printer's display and tell me when it started?",
          "能否拍一下打印机屏幕，并告诉我问题从什么时候开始？"),
         ("Photo attached. It started after lunch yesterday.", "照片已附上，从昨天午饭后开始的。")),
    ),
    "Onboard a new hire": (
        (("Could you confirm the start date and whether they need a company phone?",
          "请确认入职日期，以及是否需要公司手机。"),
         ("The start date is confirmed, and yes, a phone would help.",
          "入职日期已确认，需要配公司手机。")),
    ),
    "Leave question": (
        (("Could you tell me your employee number so I can check your record?",
          "请提供您的员工编号，方便我核对您的记录。"),
         ("It's E-20417. Thanks for checking.", "我的员工编号是 E-20417，谢谢核对。")),
    ),
    "Payroll question": (
        (("Could you attach the payslip and tell me which amount you expected?",
          "请附上工资单，并告诉我您预期的金额。"),
         ("Payslip attached; I expected about 480 more.", "工资单已附上，我预计应该多 480 左右。")),
    ),
    "Reference letter": (
        (("Should the letter mention your salary, or only your role and start date?",
          "证明信需要写明薪资吗，还是只写职位和入职日期？"),
         ("Role and start date are enough, thank you.", "写明职位和入职日期就可以了，谢谢。")),
    ),
    "Contract review": (
        (("Could you attach the latest draft in Word format, with the other side's changes "
          "tracked?", "请附上最新的 Word 版本草稿，并保留对方的修订痕迹。"),
         ("Here's the Word version with their changes tracked.",
          "附上保留对方修订痕迹的 Word 版本。")),
        (("Who is the business owner on our side, and what is the expected value over the "
          "whole term?", "我方的业务负责人是谁？整个合同期内的预计金额是多少？"),
         ("I'm the owner; about 120,000 USD over three years.",
          "我是业务负责人，三年总额大约 12 万美元。")),
    ),
    "NDA request": (
        (("What exactly will we share with them, and for how long?",
          "我们具体会向对方分享哪些信息，持续多长时间？"),
         ("Our product roadmap and pricing, for about six months.",
          "我们的产品路线图和价格信息，大约六个月。")),
    ),
    "Trademark question": (
        (("In which countries do we plan to use the name in the next two years?",
          "未来两年我们计划在哪些国家或地区使用这个名称？"),
         ("China and Australia first, the US next year.", "先在中国和澳大利亚，明年进入美国。")),
    ),
    "Data-protection question": (
        (("Which personal data is involved, and how many people does it concern?",
          "涉及哪些个人数据，影响多少人？"),
         ("Names, e-mail addresses and order history of about 2,000 customers.",
          "约 2000 名客户的姓名、邮箱和订单记录。")),
    ),
    "Broken chair": (
        (("Could you tell me the exact desk number? The floor plan has two areas with that "
          "name.", "请告诉我具体的工位号，平面图上有两个区域叫这个名字。"),
         ("It's desk 12.041, next to the window.", "是 12.041 号工位，靠窗。")),
    ),
    "Room booking issue": (
        (("Could you forward the meeting invitation so I can see both bookings?",
          "能否转发会议邀请，方便我查看两个预订？"),
         ("Forwarded, thanks for looking into it.", "已转发，谢谢帮忙查看。")),
    ),
    "Cleaning request": (
        (("Is it still a problem now? The cleaners are on site until 6 pm.",
          "现在还需要处理吗？保洁人员在岗到下午 6 点。"),
         ("Yes, it's still there, thanks.", "是的，还没处理，谢谢。")),
    ),
    "Access badge": (
        (("Could you come to reception for a photo? Any time between 9 and 5 works.",
          "请到前台拍一张照片，9 点到 17 点之间都可以。"),
         ("I'll come by at 2 pm.", "我下午 2 点过去。")),
    ),
    "Air conditioning": (
        (("Is this still a problem today? Our contractor can come on Thursday morning.",
          "今天问题还存在吗？我们的维修人员可以周四上午过来。"),
         ("Yes, still the same. Thursday morning works.", "是的，还是老样子，周四上午可以。")),
    ),
}  # fmt: skip

CHASERS: tuple[Line, ...] = (
    ("Any update on this? It's starting to block my work.",
     "请问有进展吗？已经开始影响我的工作了。"),
    ("Just following up: is there anything else you need from me?",
     "跟进一下：还需要我提供什么信息吗？"),
)  # fmt: skip

# Notes agents leave for each other, by desk.
INTERNAL_NOTES: dict[str, tuple[Line, ...]] = {
    "IT": (
        ("Checked the logs: nothing unusual on our side. Watching whether it happens again.",
         "查看了日志，我们这边没有异常，先观察是否再次出现。"),
        ("Same as a ticket last month on this floor; linking it for reference.",
         "和上个月这层楼的一个工单情况相同，关联供参考。"),
        ("Reporter is presenting to a customer tomorrow, please keep the turnaround short.",
         "报告人明天要给客户做演示，请尽快处理。"),
    ),
    "HR": (
        ("Checked with the payroll provider; they confirm the figures.",
         "已与薪酬外包商核对，对方确认了数字。"),
        ("Manager confirmed by phone.", "已电话与经理确认。"),
    ),
    "LEGAL": (
        ("Outside counsel may need to look at the liability clause; holding until Friday.",
         "责任条款可能需要外部律师审阅，先搁置到周五。"),
        ("Low risk; our standard position applies.", "风险较低，按我们的标准立场处理即可。"),
    ),
    "FAC": (
        ("Contractor booked for their next visit.", "已预约维修人员下次上门。"),
        ("There's a spare in the storeroom on level 2.", "2 楼库房有备用件。"),
    ),
}  # fmt: skip

ESCALATION_NOTES: tuple[Line, ...] = (
    ("Moving this to {team}: it needs someone on site.",
     "转给{team}：需要现场处理。"),
    ("Handing over to {team}, the first-line checks are done and did not help.",
     "转交{team}，一线排查已完成，问题仍未解决。"),
)  # fmt: skip

# Keyed by request type name.
RESOLUTIONS: dict[str, tuple[Line, ...]] = {
    "New laptop": (
        (
            "Your laptop is ready to collect from the IT bar on level 12. Bring the old one along "
            "and we'll move your files.",
            "新电脑已准备好，请到 12 楼 IT 服务点领取。请带上旧电脑，我们帮您迁移文件。",
        ),
    ),
    "VPN access": (
        (
            "VPN access is set up. Install the profile from the Company Portal app and sign in "
            "with your usual account.",
            "VPN 权限已开通。请在公司门户应用中安装配置文件，并用常用账号登录。",
        ),
    ),
    "Network outage": (
        (
            "A switch on your floor had failed; we've replaced it and everything is back up.",
            "您所在楼层的一台交换机故障，已更换，网络已全部恢复。",
        ),
        (
            "The access point was rebooted and the faulty one is replaced. Connections are "
            "stable again.",
            "已重启无线接入点并更换了故障设备，连接已恢复稳定。",
        ),
    ),
    "Software licence": (
        (
            "The licence is assigned to you. Sign out and in again in the app to activate it.",
            "许可证已分配给您。请在应用中退出后重新登录以激活。",
        ),
    ),
    "Password reset / account locked": (
        (
            "Your account is unlocked and I've sent a temporary password by text message. "
            "You'll be asked to change it at first sign-in.",
            "账号已解锁，临时密码已通过短信发送，首次登录时需要修改密码。",
        ),
    ),
    "Printer problem": (
        (
            "We cleaned the rollers and replaced the toner. It prints cleanly again.",
            "已清洁搓纸轮并更换硒鼓，打印恢复正常。",
        ),
        (
            "I've reinstalled the printer on your laptop; it should show up in the list now.",
            "已在您的电脑上重新安装打印机，现在应该能在列表中看到了。",
        ),
    ),
    "Onboard a new hire": (
        (
            "Everything is arranged: the contract is out for signature and the welcome pack is "
            "ready for day one.",
            "一切已安排妥当：合同已发出待签，入职第一天的欢迎礼包已准备好。",
        ),
    ),
    "Leave question": (
        (
            "I've checked your record and corrected the balance; the portal shows the right "
            "number now.",
            "已核对您的记录并更正了余额，系统里现在显示正确的天数。",
        ),
        (
            "I've sent you the policy and the form; once your manager signs it, it's approved.",
            "已把相关制度和申请表发给您，经理签字后即可生效。",
        ),
    ),
    "Payroll question": (
        (
            "You're right, it was missed. The correction will be on your next payslip.",
            "您说得对，确实漏算了，会在下个月工资中补发。",
        ),
    ),
    "Reference letter": (
        (
            "The signed letter is attached and the original is at reception for you.",
            "已附上签字版证明信，原件放在前台，请领取。",
        ),
    ),
    "Contract review": (
        (
            "I've sent our comments to the other side. You can sign once they accept them.",
            "我们的修改意见已发给对方，对方接受后即可签署。",
        ),
    ),
    "NDA request": (
        (
            "The NDA is signed by both sides and filed in the contract register.",
            "保密协议已由双方签署，并归档到合同台账。",
        ),
    ),
    "Trademark question": (
        (
            "Short answer: the name is free to use in those countries. I've started the "
            "registration to be safe.",
            "简单来说：该名称在这些国家或地区可以使用。为稳妥起见，我已启动商标注册。",
        ),
    ),
    "Data-protection question": (
        (
            "Short answer: yes, with the safeguards I described above. I've added this to our "
            "records of processing.",
            "简单来说：可以，但需要采取上述保护措施。我已将其记录到数据处理活动清单中。",
        ),
    ),
    "Broken chair": (
        ("We've swapped your chair for a new one this morning.", "今天上午已为您更换了新椅子。"),
    ),
    "Room booking issue": (
        (
            "Fixed: the duplicate booking is removed and the room is yours.",
            "已处理：重复预订已删除，会议室归您使用。",
        ),
        (
            "The screen's power supply had failed; it's replaced and working.",
            "屏幕电源故障，已更换，现在可以正常使用。",
        ),
    ),
    "Cleaning request": (("The cleaners have been, it's all sorted.", "保洁人员已处理完毕。"),),
    "Access badge": (
        (
            "Your badge is ready at reception. The old one is blocked.",
            "门禁卡已在前台准备好，旧卡已挂失停用。",
        ),
    ),
    "Air conditioning": (
        (
            "The contractor has adjusted the settings for your zone; it should feel better within "
            "the hour.",
            "维修人员已调整您所在区域的空调设置，一小时内应该会有改善。",
        ),
    ),
}

SELF_RESOLVED: tuple[Line, ...] = (
    ("Never mind, it works again after a restart. Thanks!",
     "没关系了，重启后恢复正常，谢谢！"),
    ("Sorted it out with my manager, no need to do anything.",
     "已经和经理沟通解决了，不用处理了。"),
)  # fmt: skip

FOLLOW_UP_FIXES: tuple[Line, ...] = (
    ("Sorry about that. I've had another look and fixed what was left; it should be fine now.",
     "抱歉，我又检查了一遍，剩下的问题已处理，现在应该正常了。"),
)  # fmt: skip

REOPENINGS: tuple[Line, ...] = (
    ("Sorry, it's happening again since this morning.",
     "不好意思，今天早上又出现了同样的问题。"),
    ("This isn't quite right yet, could you take another look?",
     "问题还没有完全解决，能再看一下吗？"),
)  # fmt: skip

DUPLICATES: tuple[Line, ...] = (
    ("This is already being handled in an earlier request, so I'm closing this one.",
     "此问题已在之前的请求中处理，这个请求先关闭。"),
)  # fmt: skip

ME_TOO: tuple[Line, ...] = (
    ("Same here, it's affecting our whole row as well.", "我这边也一样，我们这一排都受影响了。"),
    ("Seeing this too since this morning.", "我从早上开始也遇到了同样的问题。"),
)  # fmt: skip

# How a Chinese note names the team a ticket moves to.
TEAM_NAMES_ZH = {
    "Frontline": "一线支持组",
    "Office engineering": "办公工程组",
    "Workplace technology": "终端技术组",
}

GREETINGS: dict[str, Line] = {
    "IT": ("Hi IT team,", "IT 同事们好："),
    "HR": ("Hi HR team,", "人力资源部同事好："),
    "LEGAL": ("Hi Legal,", "法务同事好："),
    "FAC": ("Hi Facilities,", "行政同事好："),
}
SIGN_OFF: Line = ("Thanks,\n{name}", "谢谢！\n{name}")
