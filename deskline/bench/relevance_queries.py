"""Hand-written queries for the relevance bench: what a person would type, and the Debian FAQ
section that answers it, named by the section's anchor (the same in both languages: see
relevance_corpus). Besides these, every section's own title is a query whose answer is that
section ("titles" in the table).

The Chinese paraphrases are also the cross-language set: they are run a second time against
the English sections alone, so the only right answer is the English twin.
"""

from __future__ import annotations

# (query, anchor of the answering section)
PARAPHRASES_EN: tuple[tuple[str, str], ...] = (
    ("how do I stop a package from being upgraded", "puttingonhold"),
    ("freeze the version of libc6 so apt never updates it", "puttingonhold"),
    ("which program put this file on my disk", "filesearch"),
    ("see everything that is installed on my machine", "whatpackages"),
    ("show the files that a package installed", "listfiles"),
    ("what is the difference between stable testing and unstable, which one should I use", "s3.1"),
    ("keep my system patched with the latest updates", "howtocurrent"),
    ("install updates automatically every night", "autoupdate"),
    ("download updates once for many computers on the network", "aptcacher"),
    ("can I delete the downloaded .deb files to free disk space", "savedebs"),
    ("remove an old kernel I no longer boot", "removeoldkernel"),
    ("compile my own linux kernel", "customkernel"),
    ("how do I report a problem or bug", "bugreport"),
    ("where can I chat with other Debian users or ask questions", "onlineresources"),
    ("find out which version of Debian I am running", "isitdebian"),
    ("build a .deb from the source code", "sourcebuild"),
    ("get the source code of a package", "sourcepkgs"),
    ("make my own package repository for apt", "ownrepository"),
    ("where do the release names like buster and bookworm come from", "codenames"),
    ("what does sid mean", "sid"),
    ("install rpm packages from red hat", "otherpackages"),
    ("install software that is not packaged for debian", "non-debian-programs"),
    ("which processors and hardware does debian support", "arches"),
    ("how do I pronounce the word debian", "pronunciation"),
    ("how can I donate money to the project", "supportingorganizations"),
    ("become a debian developer", "contrib"),
    ("where can I download the installer iso image", "inst-disks"),
    ("install debian over the internet without a cd", "remoteinstall"),
    ("what are the preinst and postinst scripts", "maintscripts"),
    ("what is a dependency between packages, recommends and suggests", "depends"),
    ("log of what was installed and removed and when", "keepingalog"),
    ("my wifi card does not work", "nonfreewireless"),
    ("use a different version of a file that a package installed", "divert"),
    ("the linker says cannot find -lfoo", "no-devs"),
    ("is it allowed to sell debian cds", "sellcds"),
)

PARAPHRASES_ZH: tuple[tuple[str, str], ...] = (
    ("怎么让某个软件包不被升级", "puttingonhold"),
    ("锁定 libc6 的版本，不让 apt 更新它", "puttingonhold"),
    ("这个文件是哪个包装上的", "filesearch"),
    ("查看电脑上装了哪些软件", "whatpackages"),
    ("列出一个软件包安装的所有文件", "listfiles"),
    ("稳定版、测试版和不稳定版有什么不同，我该用哪个", "s3.1"),
    ("怎样让系统一直打上最新的补丁", "howtocurrent"),
    ("每天晚上自动安装更新", "autoupdate"),
    ("局域网里很多台电脑，更新只下载一次", "aptcacher"),
    ("下载的 deb 文件可以删掉腾出磁盘空间吗", "savedebs"),
    ("删除不再使用的旧内核", "removeoldkernel"),
    ("自己编译 Linux 内核", "customkernel"),
    ("发现了问题怎么提交 bug", "bugreport"),
    ("哪里可以和其他 Debian 用户交流提问", "onlineresources"),
    ("查看我正在用的 Debian 是哪个版本", "isitdebian"),
    ("用源代码打包成 deb", "sourcebuild"),
    ("获取软件包的源代码", "sourcepkgs"),
    ("自己搭建 apt 软件源", "ownrepository"),
    ("buster、bookworm 这些版本代号是怎么来的", "codenames"),
    ("sid 是什么意思", "sid"),
    ("安装红帽的 rpm 软件包", "otherpackages"),
    ("安装没有打包进 Debian 的软件", "non-debian-programs"),
    ("Debian 支持哪些处理器和硬件平台", "arches"),
    ("Debian 这个词怎么读", "pronunciation"),
    ("怎么给 Debian 项目捐款", "supportingorganizations"),
    ("怎样成为 Debian 开发者", "contrib"),
    ("在哪里下载安装光盘镜像", "inst-disks"),
    ("不用光盘通过网络安装 Debian", "remoteinstall"),
    ("preinst 和 postinst 脚本是做什么的", "maintscripts"),
    ("软件包之间的依赖、推荐和建议关系是什么意思", "depends"),
    ("记录什么时候安装和卸载了哪些软件包", "keepingalog"),
    ("我的无线网卡用不了", "nonfreewireless"),
    ("用别的版本替换软件包安装的某个文件", "divert"),
    ("编译时链接器报错找不到 -lfoo", "no-devs"),
    ("可以卖 Debian 光盘吗", "sellcds"),
)
