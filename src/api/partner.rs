//! Partners and team leaders (合伙人/团队长): the partner centre's methods. Off (`partnerOpen`
//! 0): the setting answers `isOpen: false`, the reads 700, the writes 403.

use std::collections::BTreeMap;

use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use super::{ApiResult, Authed, Page, Paging, Reply};
use crate::db::partner::{self as store, role};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::money::to_yuan;
use crate::service::partner::{self, PartnerRules};
use crate::settings::Settings;

pub fn routes() -> Vec<Route> {
    routes![setting, bind_leader, buy_leader, buy_partner, bind_partner, members_statistics, members]
}

fn rules(settings: &Settings) -> PartnerRules {
    PartnerRules::of(&settings.get())
}

/// Reads answer 700 while partners are off.
fn open_for_reads(settings: &Settings) -> Result<(), ApiError> {
    if rules(settings).open {
        Ok(())
    } else {
        Err(ApiError::NoData("本店未开启合伙人"))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingView {
    pub is_open: bool,
    /// Percent of a team member's paid goods the leader's partner earns.
    pub p_partner: i64,
    /// Percent the team leader earns.
    pub p_leader: i64,
    /// Yuan; 0: leadership not sold.
    pub price_leader: f64,
    /// Yuan; 0: partners are only appointed.
    pub price_partner: f64,
    pub leader_user_level_id: i64,
    pub member_user_level_id: i64,
}

/// GET /<sub>/partner/setting — partnerSetting; anyone. The team rules in force.
#[get("/partner/setting")]
fn setting(settings: &State<Settings>) -> ApiResult<SettingView> {
    let r = rules(settings);
    Ok(Reply(SettingView {
        is_open: r.open,
        p_partner: r.percent_partner,
        p_leader: r.percent_leader,
        price_leader: to_yuan(r.price_leader_fen),
        price_partner: to_yuan(r.price_partner_fen),
        leader_user_level_id: r.leader_level_id,
        member_user_level_id: r.member_level_id,
    }))
}

/// POST /<sub>/partner/bindTeamLeader — partnerBindTeamLeader; logged-in shopper. uid: the team
/// leader whose team the shopper joins.
#[post("/partner/bindTeamLeader", data = "<req>")]
async fn bind_leader(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<()> {
    let leader = req.p.int("uid")?;
    let (r, uid) = (rules(settings), req.user_id);
    db.write(move |c| partner::bind_leader(c, &r, uid, leader, db::unix_now())).await?;
    Ok(Reply(()))
}

/// POST /<sub>/partner/buy — partnerBuyTeamLeader; logged-in shopper. Pays the leader price from
/// the balance (40000 with the amount due when short) and makes the shopper a team leader.
#[post("/partner/buy", data = "<req>")]
async fn buy_leader(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<()> {
    let (r, uid) = (rules(settings), req.user_id);
    db.write(move |c| partner::buy_leader(c, &r, uid, db::unix_now())).await?;
    Ok(Reply(()))
}

/// POST /<sub>/partner/buyPartner — partnerBuyyPartner; logged-in shopper. Pays the partner price
/// from the balance (40000 when short); 403 when the shop only appoints partners.
#[post("/partner/buyPartner", data = "<req>")]
async fn buy_partner(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<()> {
    let (r, uid) = (rules(settings), req.user_id);
    db.write(move |c| partner::buy_partner(c, &r, uid, db::unix_now())).await?;
    Ok(Reply(()))
}

/// POST /<sub>/user/bindPartner — bindPartner; logged-in team leader. uid: the partner to join.
#[post("/user/bindPartner", data = "<req>")]
async fn bind_partner(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<()> {
    let to = req.p.int("uid")?;
    let (r, uid) = (rules(settings), req.user_id);
    db.write(move |c| partner::bind_partner(c, &r, uid, to)).await?;
    Ok(Reply(()))
}

#[derive(Serialize)]
pub struct TeamStatistics {
    pub leaders: i64,
    pub members: i64,
}

/// GET /<sub>/partner/members/statistics — partnerMembersStatistics; logged-in shopper. The team
/// leaders and members in the shopper's team (a partner's leaders and their members; a
/// leader's members).
#[get("/partner/members/statistics")]
async fn members_statistics(
    req: Authed,
    db: &State<Db>,
    settings: &State<Settings>,
) -> ApiResult<TeamStatistics> {
    open_for_reads(settings)?;
    let uid = req.user_id;
    let (leaders, members) = db.read(move |c| store::team_counts(c, uid)).await?;
    Ok(Reply(TeamStatistics { leaders, members }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
    /// 1 member, 2 leader.
    pub role: i64,
    pub role_str: &'static str,
    pub date_add: String,
}

#[derive(Serialize)]
pub struct TeamShare {
    /// Orders that gave the caller a team share.
    pub number: i64,
    /// Yuan of those shares.
    pub amount: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembersPage {
    #[serde(flatten)]
    pub page: Page<TeamMember>,
    pub statistics_commision_map: BTreeMap<String, TeamShare>,
}

/// POST /<sub>/partner/members — partnerMembers; logged-in shopper. `type` 1: the team leaders of
/// the shopper's team, 2 (default): its members; page, pageSize; 700 when none.
#[post("/partner/members", data = "<req>")]
async fn members(req: Authed, db: &State<Db>, settings: &State<Settings>) -> ApiResult<MembersPage> {
    open_for_reads(settings)?;
    let wanted = match req.p.opt_int("type")?.unwrap_or(2) {
        1 => role::LEADER,
        2 => role::MEMBER,
        _ => return Err(ApiError::invalid("type", "应为 1（团队长）或 2（团队成员）")),
    };
    let paging = Paging::from(&req.p)?;
    let (uid, offset, limit) = (req.user_id, paging.offset(), paging.limit());
    let (total, rows) = db.read(move |c| store::team(c, uid, wanted, offset, limit)).await?;
    let mut shares = BTreeMap::new();
    let mut result = Vec::with_capacity(rows.len());
    for m in rows {
        shares.insert(m.user_id.to_string(), TeamShare { number: m.orders, amount: to_yuan(m.amount) });
        result.push(TeamMember {
            uid: m.user_id,
            nick: m.nick,
            avatar_url: m.avatar_url,
            role: if m.role == role::LEADER { 2 } else { 1 },
            role_str: role::label(m.role),
            date_add: db::format_unix(m.date_add),
        });
    }
    Ok(Reply(MembersPage { page: paging.page(result, total)?, statistics_commision_map: shares }))
}

/// `partnerInfo` of userDetail: present when the shopper is a partner.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerInfo {
    pub uid: i64,
    pub source: String,
    pub date_add: String,
    pub leaders: i64,
    pub members: i64,
}

/// `parentPartnerInfo` / `parentTeamLeaderInfo` of userDetail.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentInfo {
    pub uid: i64,
    pub nick: String,
    pub avatar_url: String,
}

/// The team part of userDetail.
#[derive(Default)]
pub struct TeamPart {
    pub is_team_leader: bool,
    pub is_team_member: bool,
    /// The leader whose team the shopper is in (themselves for a leader).
    pub team_id: Option<i64>,
    pub partner_info: Option<PartnerInfo>,
    pub parent_partner_info: Option<ParentInfo>,
    pub parent_team_leader_info: Option<ParentInfo>,
}

/// The shopper's team role as userDetail answers it.
pub fn team_part(c: &rusqlite::Connection, base: &super::BaseUrl, uid: i64) -> Result<TeamPart, ApiError> {
    let Some(me) = store::role_of(c, uid)? else { return Ok(TeamPart::default()) };
    let info = |id: Option<i64>| -> Result<Option<ParentInfo>, ApiError> {
        let Some(id) = id else { return Ok(None) };
        Ok(db::user::by_id(c, id)?.map(|u| ParentInfo {
            uid: u.id,
            nick: u.nick,
            avatar_url: base.absolute(&u.avatar_url),
        }))
    };
    Ok(match me.role {
        role::MEMBER => {
            let partner = match me.parent_id {
                Some(l) => store::role_of(c, l)?.and_then(|r| r.parent_id),
                None => None,
            };
            TeamPart {
                is_team_member: true,
                team_id: me.parent_id,
                parent_team_leader_info: info(me.parent_id)?,
                parent_partner_info: info(partner)?,
                ..TeamPart::default()
            }
        }
        role::LEADER => TeamPart {
            is_team_leader: true,
            team_id: Some(uid),
            parent_partner_info: info(me.parent_id)?,
            ..TeamPart::default()
        },
        _ => {
            let (leaders, members) = store::team_counts(c, uid)?;
            TeamPart {
                partner_info: Some(PartnerInfo {
                    uid,
                    source: me.source,
                    date_add: db::format_unix(me.date_add),
                    leaders,
                    members,
                }),
                ..TeamPart::default()
            }
        }
    })
}
