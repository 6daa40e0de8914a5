"""Default checklists shipped as data: three-in-one premises (GA 703-2007), construction sites, ferry crossings.

``load_default_checklists()`` creates those missing and never touches a checklist an administrator
has already set up (it is configuration: edit it in the admin). The migration ``0002`` runs it.
Texts are Chinese: they are printed on the paper form inspectors carry.
"""

from __future__ import annotations

#: category → (name, standard, [(check, clause, counts as a hazard when, major)])
DEFAULT_CHECKLISTS: dict[str, tuple[str, str, list[tuple[str, str, str, bool]]]] = {
    "three_in_one": (
        "三合一场所消防安全检查表",
        "GA 703-2007《住宿与生产储存经营合用场所消防安全技术要求》",
        [
            ("场所所在建筑的使用性质", "GA 703 第4.1条", "设在甲、乙类火灾危险性的生产、储存、经营建筑内住人", True),
            ("建筑耐火等级", "GA 703 第4.1条", "耐火等级为三级及以下的建筑内住人", True),
            (
                "是否设在厂房、仓库、大于2500㎡的商场市场或地下",
                "GA 703 第4.1条",
                "在厂房、仓库、面积大于2500㎡的商场市场内或地下、半地下住人",
                True,
            ),
            (
                "高度大于15m、面积大于2000㎡或住宿人数大于20人时的完全分隔",
                "GA 703 第4.2条",
                "未采用无门窗洞口的防火墙和耐火极限不低于1.50h的楼板完全分隔并设独立疏散设施而住人",
                True,
            ),
            (
                "火灾自动报警或独立式感烟火灾探测报警器",
                "GA 703 第5.1条",
                "住宿与非住宿部分未设火灾自动报警系统或独立式感烟火灾探测报警器",
                False,
            ),
            (
                "住宿与非住宿部分的防火分隔或自动喷水灭火系统",
                "GA 703 第5.2条",
                "隔墙耐火极限低于2.00h、楼板低于1.50h，且未设自动喷水灭火系统",
                False,
            ),
            ("分隔墙上的门", "GA 703 第5.2条", "分隔墙上的门不是乙级防火门或不能自行关闭", False),
            (
                "住宿部分的独立或辅助疏散出口",
                "GA 703 第5.3条",
                "住宿部分无独立疏散楼梯，也无可供逃生的辅助疏散设施",
                False,
            ),
            ("疏散门开启方向", "GA 703 第5.3条", "疏散门不向疏散方向（外）开启，或被锁闭、堵塞", False),
            ("灭火器和应急照明", "GA 703 第5.4条", "未配置灭火器或疏散通道无应急照明", False),
            (
                "小型场所（≤2层、≤300㎡、住宿<5人）的感烟报警器和住宿楼层",
                "GA 703 第6条",
                "未设独立式感烟火灾探测报警器，或住宿不在首层而无辅助疏散设施",
                False,
            ),
            ("电气线路与用火用电", "GA 703 第7条", "电线私拉乱接、电动车在室内停放充电", False),
        ],
    ),
    "construction_site": (
        "建筑工地安全检查表",
        "JGJ 59-2011《建筑施工安全检查标准》",
        [
            ("安全生产责任制与安全管理人员", "JGJ 59 第3.1条", "未建立安全生产责任制或项目专职安全员不在岗", False),
            ("深基坑支护与监测", "JGJ 59 第3.11条", "基坑未按方案支护、未监测，或坑边超载堆放", True),
            ("脚手架搭设与验收", "JGJ 59 第3.2条", "脚手架无专项方案、未验收或连墙件缺失", False),
            ("高处作业防护（临边、洞口）", "JGJ 59 第3.13条", "临边、洞口无防护栏杆或盖板", False),
            ("塔式起重机与施工升降机", "JGJ 59 第3.16条", "起重机械未检测验收、安全装置失效或司机无证", True),
            ("施工用电（三级配电两级保护）", "JGJ 59 第3.14条", "未采用TN-S系统、无漏电保护或电线拖地", False),
            ("模板支架", "JGJ 59 第3.12条", "高大模板支架无专项方案或未经专家论证", True),
            ("消防设施与动火管理", "GB 50720", "无消防器材、动火无审批或宿舍使用易燃材料", False),
            ("施工人员安全帽、安全带", "JGJ 59 第3.13条", "未正确佩戴安全帽或高处作业未系安全带", False),
        ],
    ),
    "ferry_crossing": (
        "渡口渡船安全检查表",
        "《内河渡口渡船安全管理规定》（交通运输部令2014年第9号）",
        [
            ("渡船检验证书和登记", "第十二条", "渡船无有效检验证书或未登记", True),
            ("船员适任证书", "第十三条", "船员无适任证书或配员不足", True),
            ("核定载客定额与超载", "第十六条", "超载或超核定航区运输", True),
            ("救生衣、救生圈配备", "第十四条", "救生设备不足或失效", False),
            ("恶劣天气停航制度", "第十八条", "大风、大雾、洪水等恶劣天气冒险航行", True),
            ("渡口安全警示标志和安全须知", "第九条", "无安全警示标志或安全须知", False),
            ("人车混装与危险品", "第十七条", "客货混装不符合规定或载运危险品", False),
            ("渡口安全管理责任人", "第五条", "未落实乡镇、村渡口安全管理责任人", False),
        ],
    ),
}


def load_default_checklists(apps=None) -> int:
    """Create the default checklists that do not exist yet; returns how many were created."""
    if apps is None:
        from .models import Checklist, ChecklistItem
    else:
        Checklist = apps.get_model("hazards", "Checklist")
        ChecklistItem = apps.get_model("hazards", "ChecklistItem")
    created = 0
    for category, (name, standard, items) in DEFAULT_CHECKLISTS.items():
        if Checklist.objects.filter(category=category).exists():
            continue
        checklist = Checklist.objects.create(category=category, name=name, standard=standard)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=checklist, order=i, text=text, clause=clause, hazard_when=when, major=major)
            for i, (text, clause, when, major) in enumerate(items, start=1)
        )
        created += 1
    return created
