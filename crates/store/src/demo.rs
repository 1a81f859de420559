//! Demo data: 沂源县人民政府 and, under it, 沂源县西里镇人民政府 with the 2024 figures its published
//! report states (`shared/seed/xili-2024-annual-report.txt`): 20 proactive items in ten categories,
//! no requests, no cases, no fees, and the report's own staff-written text.
//!
//! Loading is idempotent step by step — an agency, category, item or text that exists is left alone —
//! so running it twice changes nothing, and a load cut short completes on the next run.
//!
//! The credit codes are made up (the seed does not print them) but carry valid check characters.
//! The seed's table 二 was an image that cannot be read, so no table 二 figures are entered.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::item::{Attribute, DocKind, ItemContent};
use gongkai_core::report::StaffTexts;
use gongkai_core::{Agency, AgencyKind, CreditCode, Slug};

use crate::By;
use crate::db::sql;
use crate::{NewItem, Store, StoreError};

/// The county's slug.
pub const COUNTY_SLUG: &str = "yiyuan";
/// The town's slug.
pub const TOWN_SLUG: &str = "yiyuan-xili";
/// The year the seed reports on.
pub const YEAR: i32 = 2024;

/// The town's catalogue, in the order of the seed's sentence.
pub const CATEGORIES: [&str; 10] = [
    "重点民生",
    "政府会议",
    "乡村振兴",
    "法治建设专栏",
    "政府预决算",
    "信息公开年度报告",
    "文稿解读",
    "政务公开培训",
    "规划计划",
    "社会公益",
];

/// The 20 items of 2024: (category, title, 发布日期).
pub const ITEMS: [(&str, &str, &str); 20] = [
    (
        "重点民生",
        "西里镇关于做好2024年度城乡居民基本医疗保险参保缴费工作的通知",
        "2024-01-08",
    ),
    (
        "重点民生",
        "西里镇2024年第一季度城乡低保和特困人员救助供养资金发放情况公示",
        "2024-04-10",
    ),
    (
        "重点民生",
        "西里镇2024年困难残疾人生活补贴和重度残疾人护理补贴发放情况公示",
        "2024-07-15",
    ),
    (
        "重点民生",
        "西里镇2024年冬季农村清洁取暖补贴发放情况公示",
        "2024-12-05",
    ),
    (
        "政府会议",
        "西里镇人民政府2024年第1次镇长办公会议议定事项",
        "2024-02-26",
    ),
    (
        "政府会议",
        "西里镇人民政府2024年第2次镇长办公会议议定事项",
        "2024-05-20",
    ),
    (
        "政府会议",
        "西里镇人民政府2024年第3次镇长办公会议议定事项",
        "2024-08-19",
    ),
    (
        "政府会议",
        "西里镇人民政府2024年第4次镇长办公会议议定事项",
        "2024-11-18",
    ),
    (
        "乡村振兴",
        "西里镇2024年衔接推进乡村振兴补助资金项目计划公示",
        "2024-03-12",
    ),
    (
        "乡村振兴",
        "西里镇2024年耕地地力保护补贴发放情况公示",
        "2024-06-06",
    ),
    (
        "乡村振兴",
        "西里镇2024年巩固拓展脱贫攻坚成果项目实施情况公告",
        "2024-10-22",
    ),
    (
        "法治建设专栏",
        "西里镇人民政府2023年度法治政府建设情况报告",
        "2024-03-25",
    ),
    (
        "法治建设专栏",
        "西里镇2024年普法依法治理工作要点",
        "2024-04-18",
    ),
    (
        "政府预决算",
        "西里镇人民政府2024年部门预算公开",
        "2024-02-05",
    ),
    (
        "政府预决算",
        "西里镇人民政府2023年部门决算公开",
        "2024-08-30",
    ),
    (
        "信息公开年度报告",
        "沂源县西里镇人民政府2023年政府信息公开工作年度报告",
        "2024-01-26",
    ),
    (
        "文稿解读",
        "《西里镇2024年农村人居环境整治提升工作方案》政策解读",
        "2024-05-08",
    ),
    (
        "政务公开培训",
        "西里镇组织开展2024年政务公开业务培训",
        "2024-06-27",
    ),
    ("规划计划", "西里镇2024年重点工作计划", "2024-02-20"),
    (
        "社会公益",
        "西里镇2024年城乡公益性岗位招聘公告",
        "2024-03-04",
    ),
];

/// The town's own disclosure rules, the items of its 政府信息公开制度 column (one of the four
/// columns of 国办公开办函〔2019〕61号): (title, 发布日期, paragraphs). Revised in January 2025, so
/// they do not enter the 2024 figures the seed report states.
pub const RULES: [(&str, &str, &[&str]); 3] = [
    (
        "沂源县西里镇人民政府政府信息公开工作制度",
        "2025-01-06",
        &[
            "第一条 为保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，根据《中华人民共和国政府信息公开条例》，结合本镇实际，制定本制度。",
            "第二条 镇党政办公室是本镇政府信息公开工作机构，负责本镇政府信息公开的日常工作，具体职责包括：办理本镇的政府信息公开事宜；维护和更新本镇公开的政府信息；组织编制本镇的政府信息公开指南、政府信息公开目录和政府信息公开工作年度报告；组织开展对拟公开政府信息的审查。",
            "第三条 本镇主动公开的政府信息，自该信息形成或者变更之日起20个工作日内予以公开。法律、法规对公开期限另有规定的，从其规定。",
            "第四条 本制度自发布之日起施行。",
        ],
    ),
    (
        "西里镇政府信息公开保密审查制度",
        "2025-01-06",
        &[
            "第一条 拟公开的政府信息，由起草科室提出公开属性意见，科室负责人初审，镇分管领导终审，未经审查的信息不得公开。",
            "第二条 审查中对信息能否公开难以确定的，依照法律、法规和国家有关规定报有关主管部门或者保密行政管理部门确定。",
            "第三条 审查记录随信息一并留存备查。",
        ],
    ),
    (
        "西里镇政府信息公开申请办理制度",
        "2025-01-06",
        &[
            "第一条 本镇通过政府信息公开平台、信函和当面提交等渠道接收政府信息公开申请，收到申请之日按《条例》第三十一条确定。",
            "第二条 能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。",
            "第三条 答复书载明依据和救济途径，办理过程全程留痕，按年度统计纳入政府信息公开工作年度报告。",
        ],
    ),
];

/// When the town published its 2024 report: before 31 January, as 条例 第四十九条 requires (the
/// seed is the report it published). A fixed date, not the day the demo is loaded.
pub const REPORT_PUBLISHED_AT: &str = "2025-01-20T02:00:00Z";

/// When the town confirmed its current 政府信息公开指南 (revised with its rules in January 2025).
pub const GUIDE_CONFIRMED_AT: &str = "2025-01-06T02:00:00Z";

/// The town's 政府信息公开指南 as it confirmed it: the contents 条例 第十二条 requires, with the town's
/// own office and contact.
pub const GUIDE_HTML: &str = concat!(
    "<p>为便于公民、法人和其他组织依法获取沂源县西里镇人民政府政府信息，根据《中华人民共和国政府信息公开条例》（以下简称《条例》），编制本指南。本指南根据需要及时更新。</p>",
    "<h2>一、主动公开</h2>",
    "<h3>（一）信息分类</h3>",
    "<p>本镇主动公开的政府信息分为以下类别：重点民生、政府会议、乡村振兴、法治建设专栏、政府预决算、信息公开年度报告、文稿解读、政务公开培训、规划计划、社会公益、政府信息公开制度（与《沂源县西里镇人民政府政府信息主动公开基本目录》一致）。</p>",
    "<h3>（二）编排体系</h3>",
    "<p>每条信息包括索引号、名称、内容概述、生成日期、发文字号、发布机构、有效性等要素。索引号由统一社会信用代码（11370323004345133C）/年份-序号组成。信息按栏目和发布时间编排。</p>",
    "<h3>（三）获取方式</h3>",
    "<p>本镇主动公开的政府信息在沂源县人民政府网站“政府信息公开”栏目发布，可以按栏目浏览，按关键词、发文字号或索引号检索，并可订阅更新；重要信息同时通过“幸福西里”微信公众号发布。</p>",
    "<h3>（四）公开时限</h3>",
    "<p>属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内予以公开。法律、法规对政府信息公开的期限另有规定的，从其规定。</p>",
    "<h2>二、依申请公开</h2>",
    "<h3>（一）申请接收渠道</h3>",
    "<p>1. 在线申请：通过本网站“申请政府信息公开”页面提交；2. 当面提交、邮政寄送、传真：到镇党政办公室办理（地址、电话见第三部分）。</p>",
    "<h3>（二）申请注意事项</h3>",
    "<p>申请应当采用书面形式，写明申请人的姓名或者名称、身份证明、联系方式；申请公开的政府信息的名称、文号或者便于查询的其他特征性描述；申请公开的政府信息的形式要求，包括获取信息的方式、途径（《条例》第二十九条）。书面确有困难的，可以口头提出，由本镇代为填写。</p>",
    "<h3>（三）申请的处理</h3>",
    "<p>能够当场答复的，当场答复；不能当场答复的，自收到申请之日起20个工作日内答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。申请内容不明确的，自收到申请之日起7个工作日内一次性告知补正。</p>",
    "<h3>（四）收费</h3>",
    "<p>本镇依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费。</p>",
    "<h2>三、政府信息公开工作机构</h2>",
    "<p>机构名称：沂源县西里镇党政办公室<br>办公地址：山东省淄博市沂源县西里镇驻地西里大街18号（邮编 256109）<br>办公时间：工作日上午8:30—12:00，下午13:30—17:30（法定节假日除外）<br>联系电话：0533-3481001　传真号码：0533-3481002<br>互联网联系方式：本网站依申请公开和咨询投诉页面；电子邮箱 xlzdzb@yiyuan.gov.cn</p>",
    "<h2>四、监督和救济</h2>",
    "<p>公民、法人或者其他组织认为本镇未按照要求主动公开政府信息或者对政府信息公开申请不依法答复处理的，可以向沂源县人民政府办公室（县政务公开办）提出；认为本镇在政府信息公开工作中侵犯其合法权益的，可以向沂源县人民政府或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼（《条例》第四十七条、第五十一条）。</p>",
);

/// The town's own contact where it differs from the county site's (its 党政办公室 answers the
/// public); the site's 主办/承办 stay the county's.
pub fn town_site() -> gongkai_core::site::SiteContact {
    gongkai_core::site::SiteContact {
        sponsor: "沂源县西里镇人民政府".to_owned(),
        organizer: "沂源县西里镇党政办公室".to_owned(),
        phone: "0533-3481001".to_owned(),
        fax: "0533-3481002".to_owned(),
        email: "xlzdzb@yiyuan.gov.cn".to_owned(),
        address: "山东省淄博市沂源县西里镇驻地西里大街18号".to_owned(),
        postcode: "256109".to_owned(),
        office_hours: String::new(),
    }
}

/// The earlier of the demo's own date and now (a load "in the past", as tests do, never writes
/// a date after its own clock).
fn at_most(fixed: &str, now: DateTime<Utc>) -> DateTime<Utc> {
    let fixed: DateTime<Utc> = fixed.parse().expect("demo times are valid");
    fixed.min(now)
}

/// The site's identity as the demo shows it: plausible values of a county portal (the numbers are
/// made up but have the real forms).
pub fn site_identity() -> gongkai_core::site::SiteIdentity {
    gongkai_core::site::SiteIdentity {
        site_name: "沂源县人民政府".to_owned(),
        domain: "www.yiyuan.gov.cn".to_owned(),
        site_id_code: "3703230001".to_owned(),
        icp_no: "鲁ICP备05012345号-1".to_owned(),
        psb_no: "鲁公网安备 37032302000123号".to_owned(),
        psb_link: String::new(),
        conac_link:
            "https://bszs.conac.cn/sitename?method=show&id=3A7C5E9B1D2F4A6C8E0B1D3F5A7C9E0B"
                .to_owned(),
        zhaocuo_url: "https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfo/3703230001".to_owned(),
        contact: gongkai_core::site::SiteContact {
            sponsor: "沂源县人民政府办公室".to_owned(),
            organizer: "沂源县大数据中心".to_owned(),
            phone: "0533-3210000".to_owned(),
            fax: "0533-3210001".to_owned(),
            email: "zwgk@yiyuan.gov.cn".to_owned(),
            address: "山东省淄博市沂源县历山街道胜利路1号".to_owned(),
            postcode: "256100".to_owned(),
            office_hours: "工作日上午8:30—12:00，下午13:30—17:30（法定节假日除外）".to_owned(),
        },
        logo: String::new(),
        logo_alt: String::new(),
    }
}

/// The staff-written parts of the 2024 report, as the seed has them.
pub fn texts_2024() -> StaffTexts {
    StaffTexts {
        opening: "2024年，在县委县政府的坚强领导与精心指导下，西里镇严格遵循省、市、县相关政务公开要求，全力推进政务公开工作，不断丰富公开内容，拓展公开途径，围绕年度重点任务积极开展工作，高效完成各项既定目标。现将2024年度政务公开工作情况汇报如下：".to_owned(),
        fee_basis: "根据《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）和《山东省人民政府办公厅关于做好政府信息公开信息处理费管理工作有关事项的通知》（鲁政办字〔2020〕179号）规定".to_owned(),
        proactive: "在主动公开信息范畴内，做到精准发布、及时更新。为提升政务公开的规范性与精准度，依据相关规定，及时更新《沂源县西里镇人民政府2024年度信息公开指南》，并动态完善《沂源县西里镇人民政府政府信息主动公开基本目录（2024版）》，保障信息公开工作有序开展。".to_owned(),
        on_request: "西里镇按照《中华人民共和国政府信息公开条例》有关要求，依法依规答复，规范答复申请人流程。".to_owned(),
        management: "1. 建立完善信息发布审核机制，由专门工作人员负责信息起草，科室负责人进行初审，镇分管领导进行终审，层层把关，确保信息内容准确无误、安全可靠。\n2. 在公文管理上，从公文生成源头明确公开属性，依据不同属性规范发布流程，保证信息公开合规有序。".to_owned(),
        platform: "1. 以县政府官方网站为主要公开平台，有序推进信息公开工作，为公众提供便捷高效的信息获取服务。\n2. 充分利用“幸福西里”微信公众号，及时发布和转载与群众利益密切相关的信息，拓宽信息传播渠道，提高信息覆盖面，加强与群众的互动交流。".to_owned(),
        supervision: "1. 加强内部管理，严格落实责任考核与责任追究制度。将政府信息公开工作视为全镇重点工作的关键部分，融入日常工作安排，纳入年终目标考核，推动信息公开工作常态化、规范化。\n2. 积极畅通监督渠道，广泛接受社会各界监督。在政府网站公开咨询与投诉渠道，及时回应社会关切问题，充分发挥社会监督的积极作用，提升政务公开工作质量。\n3. 完善社会评议制度，针对评议中发现的问题，迅速落实整改措施，进一步规范信息公开工作流程。通过发挥评议的正向激励作用，不断优化政务公开工作效果。2024年，我镇在政务公开工作中，未出现因不履行公开义务而被责任追究的情况。".to_owned(),
        problems: "（一）存在问题\n1. 重视程度不够：部分干部对政务公开工作重要性认识不足，工作积极性不高，多是被动应付，对群众意见和建议重视不够，未深入研究，影响工作推进和群众满意度。\n2. 工作成效不显著：政务公开工作投入的人力、物力和时间不足，导致工作推进缓慢，公开效果不明显，无法满足群众对信息的需求。\n3. 公开内容质量不高：信息更新不及时，动态内容少，降低了政务公开的实用性和时效性。\n（二）改进措施\n1. 提升思想认识与人员素养：加强政务公开重要性的宣传教育，提高干部思想认识。明确专人负责信息公开工作，充实网站信息更新人员队伍，严格落实动态管理制度，提高信息公开效率。定期组织培训，让工作人员及时掌握新要求，熟练操作公开平台，提升业务能力和工作水平，提高信息发布质量。\n2. 优化公开内容与范围：全面梳理、细化政府信息栏目，严格遵循“应公开尽公开”原则。以群众需求为导向，进一步扩大公开内容，优先公开群众关注度高的信息，注重内容的可读性和实用性，增强政务公开效果。\n3. 健全政务公开内部管控机制，强化制度标准化建设，严格依据法律法规，保障政府信息公开工作有条不紊地推进。进一步规范依申请公开工作流程，对每一个申请都进行细致严谨的处理，确保符合相关要求。积极探索基层政务公开新路径，综合运用线上线下多种方式，如利用短视频平台、社区公告屏等，实现政府信息的靶向推送，让信息传递更精准、更高效，全面提升政务公开的覆盖范围和影响力，切实增强群众对政府工作的了解与信任。".to_owned(),
        work_points: "2024年，沂源县西里镇人民政府按照《2024年沂源县政务公开工作方案》相关要求，明确政务公开工作制度，不断提高政务公开水平，为人民群众提供多种信息公开渠道。".to_owned(),
        proposals: "2024年，西里镇未承办县人大建议和县政协提案。".to_owned(),
        innovation: "西里镇积极探索创新，采取一系列有效举措，推动政务公开从传统模式向主动服务模式转变，全力提高群众对政务信息的知晓度和满意度。一是打造全方位宣传矩阵：融合线上线下宣传渠道，多维度拓宽群众获取政务信息的途径。线上，除了利用微信公众号、官方微博等新媒体平台及时发布政务信息外，还积极入驻热门短视频平台，以生动有趣的短视频形式解读政策法规，吸引更多群众关注。线下，在镇广场、集市等人员密集场所设置政务公开咨询点，定期开展现场答疑活动；在各村（社区）设置流动宣传车，定时巡回播报重要政策信息，确保政务信息覆盖到每一个角落。二是推行个性化服务机制：加强基层服务团队建设，充分发挥“邻里互助”小组作用。各小组成员深入了解所负责区域居民的实际需求和关注重点，根据不同群体的特点，量身定制信息推送方案。例如，针对老年人，采取上门讲解、发放大字版宣传资料的方式；针对创业青年，重点推送就业创业扶持政策。通过精准服务，实现政务信息与群众需求的高度契合，有效提升政务公开的实际效果。".to_owned(),
    }
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("demo slugs are valid")
}

fn agencies() -> [Agency; 2] {
    let code = |c: &str| CreditCode::parse(c).expect("demo credit codes are valid");
    [
        Agency::new(
            slug(COUNTY_SLUG),
            "沂源县人民政府",
            code("11370323004345010B"),
            AgencyKind::CountyGovernment,
            None,
        )
        .expect("demo county is valid"),
        Agency::new(
            slug(TOWN_SLUG),
            "沂源县西里镇人民政府",
            code("11370323004345133C"),
            AgencyKind::Town,
            Some(slug(COUNTY_SLUG)),
        )
        .expect("demo town is valid"),
    ]
}

/// What a load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loaded {
    /// Agencies added.
    pub agencies: usize,
    /// Items added.
    pub items: usize,
}

/// Loads the demo data, adding only what is missing.
pub async fn load(store: &Store, now: DateTime<Utc>) -> Result<Loaded, StoreError> {
    let mut loaded = Loaded::default();
    let actor = Actor::system("载入示例数据");
    for agency in agencies() {
        if store.find_agency(&agency.slug).await?.is_none() {
            store.insert_agency(&agency, By::new(&actor, now)).await?;
            loaded.agencies += 1;
        }
    }
    let town = slug(TOWN_SLUG);
    if *store.site_identity().await? == gongkai_core::site::SiteIdentity::default() {
        store
            .save_site_identity(&site_identity(), By::new(&actor, now))
            .await?;
    }
    let categories: Vec<String> = CATEGORIES
        .iter()
        .chain([&gongkai_core::catalogue::RULES_COLUMN])
        .map(|c| (*c).to_owned())
        .collect();
    if store.categories(&town).await? != categories {
        // The seed town's own columns with what goes in them and their basis
        // (letters-guide-catalogue.md §3.5).
        let columns: Vec<gongkai_core::catalogue::Column> = CATEGORIES
            .iter()
            .map(|name| {
                let (description, deadline, basis) = match *name {
                    "重点民生" => (
                        "社会救助、养老服务、就业、社会保险等政策和办理结果",
                        "20个工作日",
                        "条例第二十条第（十一）项、第二十一条",
                    ),
                    "政府会议" => ("镇政府常务会议、镇长办公会议决定事项", "20个工作日", ""),
                    "乡村振兴" => (
                        "贯彻落实农业农村政策、涉农补贴、巩固拓展脱贫攻坚成果",
                        "20个工作日",
                        "条例第二十一条",
                    ),
                    "法治建设专栏" => (
                        "法治政府建设年度报告、行政执法公示、普法",
                        "20个工作日",
                        "厅字〔2019〕28号",
                    ),
                    "政府预决算" => (
                        "镇政府预算、决算及说明",
                        "批准后20日",
                        "条例第二十条第（七）项；预算法第十四条",
                    ),
                    "信息公开年度报告" => (
                        "政府信息公开工作年度报告",
                        "每年按县政府规定的时间公布",
                        "条例第四十九条、第五十条",
                    ),
                    "文稿解读" => (
                        "政策解读，与所解读的文件相互链接",
                        "3个工作日",
                        "国办发〔2016〕80号",
                    ),
                    "政务公开培训" => ("政务公开工作培训和业务动态", "20个工作日", ""),
                    "规划计划" => (
                        "发展规划、年度工作计划和总结",
                        "20个工作日",
                        "条例第二十条第（三）项",
                    ),
                    _ => ("公益性岗位、志愿服务等社会公益事项", "20个工作日", ""),
                };
                gongkai_core::catalogue::Column {
                    name: (*name).to_owned(),
                    description: description.to_owned(),
                    deadline: deadline.to_owned(),
                    basis: basis.to_owned(),
                    ..Default::default()
                }
            })
            .chain([gongkai_core::catalogue::Column {
                name: gongkai_core::catalogue::RULES_COLUMN.to_owned(),
                description: "本机关政府信息公开工作制度、保密审查制度、申请办理制度等".to_owned(),
                deadline: "制定或者修订后20个工作日".to_owned(),
                basis: "国办公开办函〔2019〕61号".to_owned(),
                ..Default::default()
            }])
            .collect();
        store
            .set_catalogue(&town, &columns, By::new(&actor, now))
            .await?;
    }
    let agency_id = store.agency_id(&town).await?;
    let columns = ITEMS
        .into_iter()
        .enumerate()
        .map(|(serial, (category, title, on))| {
            let published_on: NaiveDate = on.parse().expect("demo dates are valid");
            NewItem {
                title: title.to_owned(),
                category: category.to_owned(),
                published_on,
                index_no: Some(format!("11370323004345133C/{YEAR}-{:05}", serial + 1)),
                content: Some(demo_content(category, title, published_on)),
            }
        });
    for item in columns.chain(RULES.into_iter().map(rule_item)) {
        let exists: Option<i64> = sql("SELECT id FROM items WHERE agency_id = $1 AND title = $2")
            .bind(agency_id)
            .bind(&item.title)
            .scalar_opt(store)
            .await?;
        if exists.is_none() {
            loaded.items += 1;
            store
                .insert_item(&town, &item, By::new(&actor, now))
                .await?;
        }
    }
    if store.guide_versions(&town).await?.is_empty() {
        store
            .save_guide(
                &town,
                GUIDE_HTML,
                None,
                "2025年1月修订",
                By::new(&actor, at_most(GUIDE_CONFIRMED_AT, now)),
            )
            .await?;
    }
    if store.agency_site(&town).await?.is_none() {
        store
            .save_agency_site(&town, &town_site(), By::new(&actor, now))
            .await?;
    }
    let has_texts: Option<i32> =
        sql("SELECT year FROM report_texts WHERE agency_id = $1 AND year = $2")
            .bind(agency_id)
            .bind(YEAR)
            .scalar_opt(store)
            .await?;
    if has_texts.is_none() {
        store
            .set_report_texts(&town, YEAR, &texts_2024(), By::new(&actor, now))
            .await?;
    }
    Ok(loaded)
}

/// Publishes the town's 2024 report, as the seed town did (its published report is the seed), on
/// [`REPORT_PUBLISHED_AT`] (or `now`, if earlier), unless
/// a version is published already; whether it published. Kept apart from [`load`] so that tests
/// can start from the unpublished year.
pub async fn publish(store: &Store, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let town = slug(TOWN_SLUG);
    if !store.publications(&town, YEAR).await?.is_empty() {
        return Ok(false);
    }
    let report = store.report_data(&town, YEAR).await?.compute();
    let actor = Actor::system("载入示例数据");
    let at = at_most(REPORT_PUBLISHED_AT, now);
    store
        .publish_report(
            &town,
            &report,
            "",
            By::new(&actor, at),
            gongkai_core::clock::china_date(at),
        )
        .await?;
    Ok(true)
}

/// One of the town's rules (政府信息公开制度 column), as a demo item.
fn rule_item((title, published_on, paragraphs): (&str, &str, &[&str])) -> NewItem {
    let published_on: NaiveDate = published_on.parse().expect("demo dates are valid");
    let body_html = paragraphs.iter().fold(String::new(), |mut html, p| {
        html.push_str("<p>");
        html.push_str(p);
        html.push_str("</p>");
        html
    });
    NewItem {
        title: title.to_owned(),
        category: gongkai_core::catalogue::RULES_COLUMN.to_owned(),
        published_on,
        // Filed before the 2025 series was opened in gongkai: no 索引号 of that series is taken
        // from the items staff will publish.
        index_no: None,
        content: Some(ItemContent {
            title: title.to_owned(),
            written_on: Some(published_on),
            formed_on: Some(published_on),
            attribute: Some(Attribute::Proactive),
            topic: "综合政务\\政务公开".to_owned(),
            category: gongkai_core::catalogue::RULES_COLUMN.to_owned(),
            kind: Some(DocKind::Other),
            summary: title.to_owned(),
            body_html,
            ..ItemContent::default()
        }),
    }
}

/// Metadata and a body in the manner of each column, so the portal, its search and its feeds have
/// real text to show.
fn demo_content(category: &str, title: &str, on: NaiveDate) -> ItemContent {
    let (topic, body): (&str, &[&str]) = match category {
        "重点民生" => (
            "民政、扶贫、救灾\\社会福利",
            &[
                "为切实保障困难群众基本生活，根据上级有关政策规定，经村级评议、镇级审核，现将有关情况予以公示。",
                "公示期为7天。对公示内容如有异议，请在公示期内向西里镇民政办反映，联系电话：0533-3210000。",
            ],
        ),
        "政府会议" => (
            "综合政务\\政务公开",
            &[
                "会议由镇长主持，镇领导班子成员参加，相关站所负责人列席。",
                "会议听取了近期重点工作进展情况汇报，研究了安全生产、乡村振兴项目推进和民生实事办理等事项，议定事项如下：一、压紧压实安全生产责任，开展隐患排查整治；二、加快推进衔接资金项目建设，确保按期完工；三、做好困难群众救助帮扶工作。",
            ],
        ),
        "乡村振兴" => (
            "农业、林业、水利\\农业、畜牧业、渔业",
            &[
                "为深入实施乡村振兴战略，巩固拓展脱贫攻坚成果，根据县乡村振兴局有关要求，结合我镇实际，现将有关情况公告如下。",
                "项目资金严格按照衔接推进乡村振兴补助资金管理办法使用，接受社会监督。监督电话：0533-3210000。",
            ],
        ),
        "法治建设专栏" => (
            "公安、安全、司法\\司法",
            &[
                "全镇坚持以习近平法治思想为指导，深入推进法治政府建设，严格规范公正文明执法，扎实开展普法依法治理工作。",
                "下一步，将持续完善依法行政制度体系，提升干部依法履职能力，推动法治政府建设再上新台阶。",
            ],
        ),
        "政府预决算" => (
            "财政、金融、审计\\财政",
            &[
                "根据《中华人民共和国预算法》和预决算公开有关规定，现将西里镇人民政府部门预决算公开如下，包括收支总表、收入总表、支出总表、财政拨款收支总表及“三公”经费情况说明。",
                "预决算说明对收支增减变化及原因作了解释，具体见附表。",
            ],
        ),
        "信息公开年度报告" => (
            "综合政务\\政务公开",
            &[
                "本报告依据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号规定的格式编制，内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况和其他需要报告的事项。",
            ],
        ),
        "文稿解读" => (
            "城乡建设、环境保护\\环境监测、保护与治理",
            &[
                "一、出台背景：为持续改善农村人居环境，建设宜居宜业和美乡村，镇政府制定了《西里镇2024年农村人居环境整治提升工作方案》。",
                "二、主要内容：方案明确了农村生活垃圾治理、厕所革命、生活污水治理和村容村貌提升等重点任务及时间安排。",
            ],
        ),
        "政务公开培训" => (
            "综合政务\\政务公开",
            &[
                "为提升政务公开工作人员业务能力，西里镇组织开展政务公开业务培训，围绕《中华人民共和国政府信息公开条例》、主动公开基本目录和依申请公开办理流程进行了讲解。",
            ],
        ),
        "规划计划" => (
            "国民经济管理、国有资产监管\\宏观经济",
            &[
                "2024年，西里镇将围绕产业振兴、基础设施建设、民生保障和社会治理等方面，重点抓好以下工作：一是壮大特色产业；二是完善农村基础设施；三是提升公共服务水平；四是加强基层社会治理。",
            ],
        ),
        _ => (
            "劳动、人事、监察\\劳动就业",
            &[
                "根据县人力资源和社会保障局有关文件精神，结合我镇实际，现面向社会公开招聘城乡公益性岗位人员。招聘对象为就业困难人员，具体岗位、条件和报名方式如下。",
            ],
        ),
    };
    let body_html = body.iter().fold(String::new(), |mut html, p| {
        html.push_str("<p>");
        html.push_str(p);
        html.push_str("</p>");
        html
    });
    ItemContent {
        title: title.to_owned(),
        written_on: Some(on),
        formed_on: Some(on),
        attribute: Some(Attribute::Proactive),
        topic: topic.to_owned(),
        category: category.to_owned(),
        kind: Some(if category == "文稿解读" {
            DocKind::Interpretation
        } else {
            DocKind::Other
        }),
        summary: title.to_owned(),
        body_html,
        ..ItemContent::default()
    }
}

/// Whether the database holds no agency yet (`serve --demo` loads the demo only then).
pub async fn is_empty(store: &Store) -> Result<bool, StoreError> {
    Ok(store.list_agencies().await?.is_empty())
}

/// Whether the demo is loaded to its end (its last step, [`publish`], is done): what a server
/// started beside the one loading it waits for.
pub async fn is_loaded(store: &Store) -> Result<bool, StoreError> {
    match store.publications(&slug(TOWN_SLUG), YEAR).await {
        Ok(published) => Ok(!published.is_empty()),
        Err(StoreError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
