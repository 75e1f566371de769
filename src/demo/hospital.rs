//! The demo hospital itself: its twelve doctors (`PROFILES`) and its
//! 宿日直許可 register ([`permits_csv`]), as the hospital's own records would
//! hold them.

use crate::sim::Pattern;

/// One doctor of the example hospital.
pub(super) struct Profile {
    pub(super) staff_id: &'static str,
    pub(super) name: &'static str,
    pub(super) department: &'static str,
    pub(super) level: &'static str,
    /// 法定休日 as the doctors file writes it.
    pub(super) legal_holiday: &'static str,
    /// 所定始業 in minutes after midnight, when not the hospital's 08:30.
    pub(super) scheduled_start: Option<i64>,
    /// The account name in PC logs, when it is not the staff id ("" if not).
    pub(super) pc_account: &'static str,
    pub(super) pc_name: &'static str,
    /// Two weeks of day codes, each starting on a Sunday:
    ///
    /// | code | the day |
    /// |---|---|
    /// | `D` | day shift (日勤), staying on for `stay` minutes |
    /// | `S` | day shift, then self-study (自己研鑽) |
    /// | `h` | Saturday morning clinic |
    /// | `T` | day shift, then night duty without permit (宿直) 17:00→翌始業 |
    /// | `P` | day shift, then permitted night duty (宿日直許可) |
    /// | `A` | the morning after a duty (明け): on until noon or so |
    /// | `L` | the morning after a duty, but on until the evening |
    /// | `N` | night shift (夜勤) 16:30→翌09:00 |
    /// | `E` | weekend day duty (日直, without permit) |
    /// | `W` | weekend 24-hour duty (宿日直, without permit) |
    /// | `X` | side job at another hospital (副業) |
    /// | `-` | day off |
    pub(super) fortnight: &'static str,
    /// Minutes worked past the end of a day shift, lowest and highest.
    pub(super) stay: (i64, i64),
    /// The PC stays on past clock-out on about one working day in this
    /// many (0: never).
    pub(super) overrun_one_in: u64,
}

pub(super) const PROFILES: [Profile; 12] = [
    Profile {
        staff_id: "D001",
        name: "佐藤 健一",
        department: "内科",
        level: "A",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "NAIKA-PC01",
        fortnight: "-DDDDD--DDSDD-",
        stay: (45, 135),
        overrun_one_in: 0,
    },
    Profile {
        staff_id: "D002",
        name: "鈴木 美咲",
        department: "内科",
        level: "A",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "suzuki.m",
        pc_name: "NAIKA-PC02",
        fortnight: "-DDDDDh-DDPDD-",
        stay: (30, 100),
        overrun_one_in: 12,
    },
    Profile {
        staff_id: "D003",
        name: "高橋 誠",
        department: "外科",
        level: "B",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "GEKA-PC01",
        fortnight: "-DTADDh-DTADDh",
        stay: (130, 210),
        overrun_one_in: 8,
    },
    Profile {
        staff_id: "D004",
        name: "田中 優子",
        department: "外科",
        level: "連携B",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "GEKA-PC02",
        fortnight: "EDTADTh-DDTADh",
        stay: (60, 130),
        overrun_one_in: 0,
    },
    Profile {
        staff_id: "D005",
        name: "伊藤 大輔",
        department: "救急科",
        level: "C-1",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "ER-PC01",
        fortnight: "WLDTADN-DTADTA",
        stay: (30, 90),
        overrun_one_in: 6,
    },
    Profile {
        staff_id: "D006",
        name: "渡辺 翔太",
        department: "救急科",
        level: "B",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "ER-PC02",
        fortnight: "-DDDDN---DDDDN",
        stay: (30, 90),
        overrun_one_in: 0,
    },
    Profile {
        staff_id: "D007",
        name: "山本 彩",
        department: "小児科",
        level: "A",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "SHONI-PC01",
        fortnight: "-DSDSD--DSDDS-",
        stay: (30, 90),
        overrun_one_in: 0,
    },
    Profile {
        staff_id: "D008",
        name: "中村 浩二",
        department: "小児科",
        level: "連携B",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "SHONI-PC02",
        fortnight: "-DDTADX-DDDDDX",
        stay: (90, 150),
        overrun_one_in: 10,
    },
    Profile {
        staff_id: "D009",
        name: "小林 真理子",
        department: "産婦人科",
        level: "B",
        legal_holiday: "sat",
        scheduled_start: None,
        pc_account: "",
        pc_name: "SANFU-PC01",
        fortnight: "-DTADDh-DDTADE",
        stay: (90, 150),
        overrun_one_in: 0,
    },
    Profile {
        staff_id: "D010",
        name: "加藤 拓也",
        department: "産婦人科",
        level: "A",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "SANFU-PC02",
        fortnight: "-DDPDD--DDDDP-",
        stay: (20, 80),
        overrun_one_in: 0,
    },
    Profile {
        staff_id: "D011",
        name: "吉田 恵",
        department: "麻酔科",
        level: "A",
        legal_holiday: "sun",
        scheduled_start: Some(9 * 60),
        pc_account: "yoshida.megumi",
        pc_name: "MASUI-PC01",
        fortnight: "-DDDDD--DDDDD-",
        stay: (45, 120),
        overrun_one_in: 9,
    },
    Profile {
        staff_id: "D012",
        name: "山口 直樹",
        department: "麻酔科",
        level: "C-1",
        legal_holiday: "sun",
        scheduled_start: None,
        pc_account: "",
        pc_name: "MASUI-PC02",
        fortnight: "-SDPSD--DSPDSE",
        stay: (60, 120),
        overrun_one_in: 0,
    },
];

/// The hospital's scheduled start (所定始業), minutes after midnight.
const HOSPITAL_START: i64 = 8 * 60 + 30;

impl Profile {
    /// The shape of this doctor's days (no late evenings: the demo's
    /// figures are meant to stay where they are).
    pub(super) fn pattern(&self) -> Pattern {
        Pattern {
            start: self.scheduled_start.unwrap_or(HOSPITAL_START),
            stay: self.stay,
            late_evenings: false,
        }
    }
}

/// The hospital's 宿日直許可 register (formats.md R.3), as its office keeps
/// it in a spreadsheet: UTF-8, Japanese headers.
///
/// - 宿直 of 内科・小児科・麻酔科, 17:00–翌08:30 every day: the `P` nights
///   of D002 (内科) and D012 (麻酔科) lie wholly inside it.
/// - 日直 of 内科・小児科 on Saturdays and Sundays (no one of the demo is on
///   permitted day duty: it shows as a permit with no duty).
/// - An old hospital-wide 宿直 permit, revoked when the hospital took on
///   emergency care: it no longer covers anything.
///
/// 産婦人科 has no permit (deliveries at night are not 軽度・短時間の業務), so
/// D010's `P` nights are wholly outside a permit: working time, the state
/// the dashboard's 「許可外の宿日直」 shows.
pub(super) fn permits_csv() -> String {
    [
        "許可番号,許可年月日,種別,診療科,開始時刻,終了時刻,曜日,取消日,備考",
        "基監2012-007,2012-04-01,宿直,全科,17:00,08:30,,2019-10-01,救急告示病院となったため取消",
        "基監2019-031,2019-10-01,宿直,内科、小児科、麻酔科,17:00,08:30,,,病棟の巡視・定時の検温・少数の軽症患者の診察",
        "基監2019-032,2019-10-01,日直,内科、小児科,08:30,17:00,土、日,,休日の外来の少数の軽症患者の診察",
    ]
    .iter()
    .map(|line| format!("{line}\n"))
    .collect()
}
