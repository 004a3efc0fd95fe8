"""Demo reports of the demo agency: 2017 (published), 2018 (known only from the catalog), a 2025 draft.

The 2017 narrative is the reference report's own text, stored as written, with its own section
headings; every figure in it is a placeholder filled from the catalog records (71 items: 4
policy, 40 work, 27 other, all on the government website), so the published figures are
computed, not typed. It carries its real publication date, the one its text is signed with
(2018年2月28日), not the day the demo was loaded.

The 2018 report exists only as a catalog item whose body is its title: nobody here has its
text, so the demo does not write one. It is registered as a report entered from published
text, linked to that item and left without text; the archive lists the year and says that
the text has not been entered. Running this twice changes nothing.
"""

from datetime import date

from accounts.models import Role
from disclosure.models import Item
from reports import services
from reports.figures import report_figures
from reports.models import AnnualReport, ReportSource

PREFACE_2017 = (
    "根据《中华人民共和国政府信息公开条例》规定和《吴忠市利通区人民政府办公室关于认真做好近期政务公开"
    "有关工作的通知》（吴利政办发〔2017〕120号）文件要求，特编制并向社会公布吴忠市利通区安全生产监督管理局"
    "2017年政府信息公开工作年度报告。本报告所列数据的统计期限自2017年1月1日起至2017年12月31日止。"
    "如对本年度报告有疑问或意见建议，可直接与利通区安全生产监督管理局办公室联系，"
    "联系电话：0953-2666295；电子邮箱：ltqaqjdj@126.com。"
)

OVERVIEW_2017 = """2017年以来，在区委、区政府的坚强领导下，我局认真贯彻《中华人民共和国政府信息公开条例》《宁夏回族自治区实施<中华人民共和国政府信息公开条例>办法》，坚持以公开为常态、不公开为例外，贯彻落实区委、政府《关于印发<关于全面推进政务公开工作的实施意见>的通知》（吴利党办综〔2016〕78号）、政府办《关于印发全面推进政务公开若干重点工作实施方案的通知》（吴利政办发〔2017〕54号）、《关于印发2017年政务公开工作要点的通知》（吴利政办发〔2017〕55号）等文件，深化政务公开，加强政务服务，积极回应社会和群众关切问题，着力推进政务公开政务服务常态化、规范化、制度化，努力提高安全生产监督管理的服务。
（一）政府信息与政务公开机制建设和人员设置情况
局领导高度重视，及时组织召开政务公开工作会议，研究讨论调整了政务公开工作领导小组，由局长马利克同志任组长，亲自研究部署政务公开工作；分管领导朱桃同志任副组长，机关各办公室主要负责人为成员。由局分管领导朱桃同志兼任领导小组办公室主任，由局办公室实行集中统一归口管理，配备了一名专职工作人员和一名兼职工作人员，承担局政府信息与政务公开日常工作。机构设置、内设科室均规范公开。继续将政务公开工作经费纳入局预算管理，保障政务公开工作顺利开展。
（二）政府信息公开工作制度建设及落实情况
为使我局政务公开工作逐步走向制度化、规范化建设的轨道，我局注重加强制度建设，强化监督保障。一是把政务公开工作列入日常工作重要内容，实行责任制和目标考核；二是制定、修订相关制度。制定了局政务公开工作考核、社会评议和责任追究制度，制定和实施“五公开”纳入办文办会程序，重大行政决策预公开制度等制度，确保权力在阳光下运行；三是健全监督机制，完善内部监督和社会监督体系，接受群众监督；四是定期公开，主动公开。局政务公开工作领导小组办公室对各岗位政务公开的情况进行监督和督办，发现问题及时纠正。设置了举报箱、公布了投诉、举报电话，把政府信息主动公开，接受人民群众的监督和舆论监督。
（三）召开政府信息与政务公开工作会议及业务培训情况
2017年，我局通过召开政务公开工作专题会议，及时研究成立政务公开工作领导小组、安排部署局政务公开工作、解决工作中存在的问题，有效保障了此项工作顺利推进。截止目前，我局召开政务公开工作专题会议{meetings}次，举办局政务公开业务培训{trainings}次。"""

PROACTIVE_2017 = """（一）通过各种公开平台主动公开政府信息情况
截至目前，通过宁夏日报、吴忠日报、利通区政府门户网站、新华·利通政务通手机报、“多彩利通”微信平台、利通周讯报刊、局政务公开栏主动公开政府信息{proactive.total}条。其中：政策类信息{proactive.policy}条，工作动态{proactive.work}条，其他信息{proactive.other}条。同时，我局设立了政府信息公开查阅点，为公众查阅政府信息提供方便。
（二）区政府办要求落实的公开任务完成情况
根据吴利政办发〔2017〕54号、吴利政办发〔2017〕55号）文件，制定出台《利通区安全生产监督管理局2017年政务公开工作实施方案》，对我局政务公开工作任务进行细化分解，实行责任到人制度，各科室要必须确定一名成员具体负责此项工作，分管领导负总责，保证我局政务公开工作落到实处。根据区政府办《2017年政务公开工作要点的通知》要求，在利通区政府门户网站“安全生产”栏目落实公开发布信息{proactive.portal}条，基本完成区政府办下发的公开任务。"""

REQUESTS_2017 = "2017年，我局没有接到公众、企业法人或其他组织要求公开政府信息的申请。"
PROPOSALS_2017 = "2017年，我局没有接到各级人大代表建议和政协提案。"

PROBLEMS_2017 = """2017年，利通区安全生产监督管理局政务公开工作虽然取得了一些成绩，但与公众的需求还存在差距，公开内容的及时性、全面性以及公开形式的便民性等都还需要在今后工作中改进。主要表现在：一是公开政府信息不够及时；二是由于政务公开工作的不平衡，个别工作人员重视程度不够，存在公开形式单调、公开内容不全、避重就轻、敷衍了事的情况；三是由于部分信息特别是一些文件的复杂性，政务公开和安全保密的平衡点难以把握。
2018年我局推进政府信息与政务公开工作的目标任务是及时发布社会公众、企业经营者关注的安全生产信息，为公众提供方便。重要工作措施：一是加大推进政务公开力度，进一步拓宽信息公开渠道；二是坚持以公开促进安全生产各项工作，把公开透明的要求贯穿于各个环节；三是加强政务信息公开相关工作人员的培训，强化电子政务工作能力，加强工作人员的素质教育和工作作风建设；四是精简文件，减少不必要的工作，以更好地把握政务公开和安全保密的平衡点；五是进一步完善相关制度建设，建立健全内部信息沟通协调机制，实现信息公开的制度化、规范化、常态化，形成信息公开的长效机制。"""

REFERENCE_2017 = {
    "preface": PREFACE_2017,
    "overview": OVERVIEW_2017,
    "proactive_text": PROACTIVE_2017,
    "requests_text": REQUESTS_2017,
    "proposals_text": PROPOSALS_2017,
    "problems": PROBLEMS_2017,
    "meetings": 1,
    "trainings": 1,
    "staff_full_time": 1,
    "staff_part_time": 1,
    "signature_name": "吴忠市利通区安全生产监督管理局",
    "signature_date": date(2018, 2, 28),
    # As the 2017 report printed them (its own wording, not the standard headings).
    "legacy_headings": "一、概述\n二、主动公开政府信息与政务情况\n三、依申请公开政府信息情况\n"
    "四、各级人大代表建议和政协提案办理结果公开情况\n五、存在问题与2018年工作思路",
}
#: The day the 2017 report was published: the date its text is signed with.
PUBLISHED_2017 = date(2018, 2, 28)
TITLE_2018 = "利通区安全生产监督管理局2018年政府信息公开工作年度报告"


def seed(ctx):
    agency, clerk, head = ctx.agency, ctx.users[Role.CLERK], ctx.users[Role.HEAD]
    report = AnnualReport.objects.filter(agency=agency, year=2017).first()
    if report is None:
        report = services.report_create(
            report=AnnualReport(agency=agency, year=2017, is_demo=True, **REFERENCE_2017),
            by=clerk,
        )
    if not report.versions.exists():
        # Publishing freezes the figures: only do it once the catalog's 2017 items are there.
        if report_figures(report)["proactive"]["total"]:
            services.report_publish(report=report, by=head, published_on=PUBLISHED_2017)
        else:
            ctx.stdout.write("提示：目录中尚无2017年的公开记录，2017年度报告暂存为草稿。")

    if not AnnualReport.objects.filter(agency=agency, year=2018).exists():
        item = Item.objects.published().filter(agency=agency, title=TITLE_2018).first()
        if item is not None:
            services.report_create(
                report=AnnualReport(
                    agency=agency,
                    year=2018,
                    is_demo=True,
                    source=ReportSource.TRANSCRIBED,
                    catalog_item=item,
                ),
                by=clerk,
            )

    draft = AnnualReport.objects.filter(agency=agency, year=2025).first()
    if draft is None:
        draft = services.report_create(
            report=AnnualReport(agency=agency, year=2025, is_demo=True), by=clerk
        )
        services.report_draft_text(report=draft, by=clerk)
