"""The words and patterns that tell what a question asks: a field of the document itself (文号, 发布机关, 阅读数…),
the kind of answer (who / when / number / list), the unit of a quantity, a person's name, a moment finer than
plans give (an hour, a day, an address, a procedure) and what an answer must state for each. The question analysis
(ipqa.answer.analysis) reads them; the pipeline checks an answer against MOMENTS."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def cue_words() -> frozenset[str]:
    """Words that say what kind of answer is wanted rather than what it is about (``ipqa/data/cue_words.txt``);
    left out of the answer gate's topic."""
    text = (resources.files("ipqa") / "data" / "cue_words.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() for w in line.split("#", 1)[0].split())


# Words that make the document itself the subject of a question about one of its page fields.
THE_DOCUMENT = r"(?:文件|规划|方案|计划|通知|全文|原文|文章|这篇|那篇)"
# (field, cue): a question about the document itself, not its tasks. Checked before the kind cues.
METADATA_CUES = (
    (
        "doc_number",
        re.compile(rf"文号|发文字号|(?:{THE_DOCUMENT}|文|意见|办法)[^,，。?？]{{0,4}}字号|文件编号|发文号"),
    ),
    (
        "issuer",
        re.compile(
            r"(哪个|什么|哪家|谁)(单位|部门|机关|机构)?(?:的?名义)?(发布|印发|制定|出台|发的|下发|发出)|发布机关|发文机关|发文单位|印发单位"
            r"|(哪个|哪家|什么)(单位|部门|机关|机构)的章|盖的章"
        ),
    ),
    ("date_written", re.compile(r"成文日期|成文时间|落款|签发日期|(哪天|哪一天|什么时候|何时)(写成|写好|成文|签发)")),
    (
        "date_published",
        re.compile(
            r"(什么时候|哪天|哪一天|何时|哪一?年|几月|什么时间)(在[^,，。?？]{1,6})?(发布|公布|印发|出台|发的|下发|挂出|发出|贴出|登出)"
            r"|发布日期|发布时间|印发日期|印发时间"
        ),
    ),
    # the document is the subject: "这个方案还有效吗", not "还有效的发明专利"
    (
        "validity",
        re.compile(
            r"有效性|(文件|规划|方案|计划|通知|意见|办法|条例|规定)(现在)?(还|是否|是不是|已经)?(有效|失效|废止)"
        ),
    ),
    # whom the document is sent to (主送机关), not who receives a subsidy ("奖励资金发给谁")
    (
        "addressees",
        re.compile(r"主送|(?:下发|印发|发送|送达)给?(?:了)?(?:哪些|哪几|什么|谁)|是(?:下)?发给(?:了)?(?:哪些|哪几|谁)"),
    ),
    # the documents a document was drawn up on (its preamble: "根据《…》和《…》，制定本规划")
    (
        "basis",
        re.compile(
            r"(?:根据|依据|照着|按照|参照|对照)(?:了)?(?:哪|什么)(?:几|两|三|些)?份?的?(?:上位)?(?:文件|规划|文)"
            r"|上位文件|制定依据|编制依据|依据的?是(?:哪|什么)"
        ),
    ),
    # the fields of a government information-disclosure page
    ("index_number", re.compile(r"索引号|索引编号")),
    (
        "subject",
        re.compile(r"主题分类|主题类别|(?:公开目录|文件|方案|规划|计划|通知)[^,，。?？]{0,10}(?:主题|类别|分类|栏目)"),
    ),
    # where a page was carried: the document is the subject ("资金来源" asks for money, not for a web site)
    (
        "source_site",
        re.compile(
            rf"出处|{THE_DOCUMENT}[^,，。?？]{{0,6}}(?:来源|从哪(?:里|儿)?(?:来|转|发))"
            r"|来源网站|(?:哪个|哪家|什么)(?:网站|媒体|网|机构|单位)的?(?:发布|发的|贴|登|转|刊|公布|上)"
            r"|转的稿|转载|转发的稿"
        ),
    ),
    # a web page's counter and posting time ("那份通知被点开看了多少回", "那篇是几点钟贴出来的")
    (
        "views",
        re.compile(
            r"阅读(?:量|数|次数)|浏览(?:量|数|次数)|点击(?:量|数)"
            r"|(?:阅读|浏览|点开|点击|打开|看了|看过|读过)了?[^,，。?？]{0,4}(?:多少|几)(?:回|次|遍)"
            r"|多少人(?:看过|看了|读过|浏览|点开)"
        ),
    ),
    ("time_published", re.compile(r"几点(?:钟)?[^,，。?？]{0,4}(?:发|贴|登|挂|公布|发布|上网)")),
    # the document's own name, asked of the document ("这个方案全称是什么"), not of a project in it
    (
        "title",
        re.compile(
            rf"{THE_DOCUMENT}[^,，。?？]{{0,2}}"
            r"(?:叫(?:什么|啥)|(?:名字|名称|标题|全称|全名)(?:是|叫)?(?:什么|啥))|标题是|全称是|文件名"
        ),
    ),
)
KIND_CUES = (
    # which of the documents / places say something: one line per document ("哪些地方有…扶持政策")
    (
        "list",
        re.compile(
            r"(?:哪些|哪几个|哪几份|哪几|哪个|哪份|哪一份|几份)(?:地方|地区|城市|省份|省|市|县|区|文件|规划|方案|计划|政策文件)"
            r"|这几份文件|各地|各个地方|哪里的文件"
        ),
    ),
    (
        "who",
        re.compile(
            r"哪个部门|哪些部门|哪一?个?单位|哪些单位|什么部门|什么单位|哪家|哪几家|哪些机构|哪个机构|牵头单位|牵头部门"
            r"|责任单位|责任部门|主管部门|由谁|谁来|由哪|归口|谁在|谁管|找谁|哪个机关|哪些机关|是谁"
            # a unit asked by its kind: "哪个厅在管", "归哪个局管", "哪几个委办局"
            r"|哪(?:个|些|一个|几个)(?:部委|委办局|厅|局|委员会|委|办公室|办)(?![长员法理事托])"
        ),
    ),
    (
        "when",
        re.compile(
            r"什么时候|啥时候|啥时|哪个时候|何时|什么时间|哪一年|哪年|哪几年|期限|时限|多长时间|多久|几年内|日期|哪天|几月|何日|起施行"
            # "截至十三五末…有几家": a point in time for a count asks the count
            r"|(?:截止|截至|之前)(?!.*(?:多少|(?<!哪)几[家个项件次名所人种位批亿万]))"
            r"|几号|几点|几时"
        ),
    ),
    (
        "number",
        re.compile(
            r"多少|(?<!哪)几(?:家|个|项|件|次|倍|期|名|所|大|省)|第几|目标|达到|比例|金额|数额|额度|增长|增幅|百分之|占比|规模|上限|下限"
        ),
    ),
)
# A bare 谁 asks for a unit only next to a duty ("谁负责", "…的牵头单位是谁"); "谁可以成为个体工商户" is a fact question.
WHO_DUTY = re.compile(r"负责|牵头|主管|管理|落实|承担|审批|监管|组织|实施|执行|受理|查处|颁发|批准|管辖|推进|开展|抓")
# The unit a number question asks for: "多少件" wants 件, "多少钱/金额" wants money.
UNIT_CUES = (
    ("号码", r"电话|号码|热线|手机号|联系方式"),
    ("件", r"多少件|几件"),
    ("次", r"多少次|几次"),
    ("家", r"多少家|几家"),
    ("个", r"多少个|几个"),
    ("项", r"多少项|几项"),
    ("期", r"多少期|几期"),
    ("人", r"多少人|几人|多少名|几名|人(?:一共|总共|总数|大概|大约)?(?:有)?多少"),
    ("所", r"多少所|几所"),
    (
        "元",
        (
            r"多少钱|多少元|多少万|多少亿|金额|资金|经费|额度|数额|融资额|贷款额|奖补|奖励多少|补贴多少"
            r"|多少[^,，。?？]{0,3}费(?!率)|费用|\d(?:\.\d+)?个?多?亿(?![件人次个项])"
        ),
    ),
    ("%", r"百分之|比例|占比|增长率|增幅|百分比|利率|费率|税率|比率|涨幅|同比|比上一?年"),
    # a span of time: "多少年" wants years, "多久" any duration (三十日, 6个月); never a year date (2025年)
    ("年", r"多少年|几年"),
    ("时长", r"多久|多长时间|多长的时间|期限多长"),
)
# A question for the person holding a named post of a named body ("泰安市市场监管局的局长是谁"): policy texts name
# bodies and posts (由市长任组长), never the people in them.
POSTS = r"(?:局长|厅长|主任|处长|科长|书记|负责人|部长|院长|主席|联系人|会长|秘书长|理事长)"
PERSON = re.compile(
    rf"(?:局|厅|委|办|院|中心|政府|部门|单位|协会|学会|商会|联盟)的?(?:现任|目前的?|现在的?)?{POSTS}(?:是谁|叫什么|是哪位|姓名|名字|叫啥)"
    rf"|谁是.{{0,16}}{POSTS}"
    # a post's holder asked by name, whatever body is said before ("管知识产权的那个处，处长叫什么名字")
    rf"|{POSTS}的?(?:叫什么|姓名|名字|叫啥|姓什么)"
)
# A question for a moment finer than policy texts usually give: the hour ("几点上班", "办公时间") or the day
# ("几号开始", "哪一天"). An answer must state one (MOMENTS), or the clauses do not say it.
MOMENT_CUES = (
    ("clock", r"几点|几时|上班时间|办公时间|营业时间|工作时间是|开放时间"),
    ("day", r"几号|哪一?天|几月几[日号]|具体日期|哪一?日"),
    # a street address ("协会的办公地点在哪儿"), which plans never give; not "窗口设在哪儿" (a place a clause names)
    (
        "address",
        r"地址|办公地点|办公场所|门牌|具体位置|哪条路|哪条街|在哪(?:里|儿)?办公|在[^，,。?？]{0,6}哪个(?:区|街道|路|楼)办公",
    ),
    # how to apply ("怎么申请", "办理流程", "要交哪些材料"), which plans rarely say: they say what is supported
    (
        "procedure",
        (
            r"怎么(?:办理|申请|申报|报名)|如何(?:办理|申请|申报|报名)|(?:申请|办理|申报|报名)的?(?:流程|程序|手续|步骤)"
            r"|需要(?:哪些|什么|啥)材料|(?:要|得)(?:交|带|准备)(?:哪些|什么|啥)材料|去哪(?:里|儿)?(?:办理|申请|报名)"
        ),
    ),
)
MOMENTS = {
    "clock": re.compile(
        r"\d{1,2}\s*[:：]\s*\d{2}|[\d一二两三四五六七八九十]{1,3}\s*[点时](?:[半整]|\d|[至到—\-])|[上下]午"
    ),
    "day": re.compile(r"\d{1,2}\s*[日号]|\d{1,2}[·•・]\d{1,2}|[一二三四五六七八九十]{1,3}[日号]|\d{4}-\d{1,2}-\d{1,2}"),
    "address": re.compile(r"(?:路|街|大道|巷|弄)[\d一二三四五六七八九十]+号|大厦|号楼|\d+\s*(?:室|层|楼)"),
    "procedure": re.compile(
        r"流程|程序|手续|材料|申请书|申请表|提交|报送|网上办理|登录|(?:向|到)[^，。；]{1,20}(?:提出|申请|申报|办理)"
    ),
}
# Why an answer that states no such moment is refused.
MOMENT_MISSING = {
    "clock": "相关条款没有写明所问的具体时间",
    "day": "相关条款没有写明所问的具体时间",
    "address": "相关条款没有写明具体地址",
    "procedure": "相关条款没有写明办理的流程和材料",
}
