//! `xiaodian doctor`: is this shop ready to take real money? Each check asks the real party (WeChat,
//! WeChat Pay, the shop's own public address, the backup record) and says what to fix.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::config::Config;
use crate::db::{self, Db};
use crate::settings::Settings;
use crate::wechat::pay::PayError;
use crate::wechat::refund::check_cert;
use crate::wechat::{WeChat, WxError};

/// A backup older than this (a day and some slack for the timer) is not recent.
pub const BACKUP_MAX_AGE_SECS: i64 = 26 * 3600;

/// Litestream more than this behind the database's last write is not replicating.
pub const REPLICATION_MAX_LAG_SECS: u64 = 10 * 60;

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which check: stable, for scripts and tests.
    pub key: &'static str,
    /// What was checked, in the merchant's words.
    pub what: &'static str,
    pub ok: bool,
    /// What the check saw.
    pub detail: String,
    /// What to do about it (failed checks only).
    pub fix: Option<String>,
}

impl Finding {
    fn pass(key: &'static str, what: &'static str, detail: impl Into<String>) -> Finding {
        Finding { key, what, ok: true, detail: detail.into(), fix: None }
    }

    fn fail(
        key: &'static str,
        what: &'static str,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding { key, what, ok: false, detail: detail.into(), fix: Some(fix.into()) }
    }
}

/// Runs every check against the shop `cfg` describes (its data dir, its environment).
///
/// # Errors
/// The database cannot be opened or its settings read.
pub fn run(cfg: &Config, now: i64) -> Result<Vec<Finding>, String> {
    let db = Db::open(&cfg.db_path(), 1).map_err(|e| e.to_string())?;
    let settings = db
        .read_sync(|c| Settings::load_with(c, cfg.subdomain.clone(), cfg.wechat.clone()))
        .map_err(|e: db::Error| e.to_string())?;
    let wechat = WeChat::new(cfg, db.clone(), settings);
    let backup = db.read_sync(db::backups::latest).map_err(|e| e.to_string())?;
    Ok(vec![
        login(&wechat),
        pay(&wechat),
        certificate(&wechat),
        base_url(cfg),
        notify(cfg),
        backups(backup.as_ref(), now),
        replication(&cfg.db_path()),
    ])
}

const SANDBOX_FIX: &str = "在控制台「微信设置」填写小程序的 AppID 与 AppSecret（或设置 XIAODIAN_WECHAT_APPID / XIAODIAN_WECHAT_SECRET）";

fn login(wechat: &WeChat) -> Finding {
    const KEY: &str = "wechat";
    const WHAT: &str = "微信小程序 AppID / AppSecret";
    let creds = match wechat.creds() {
        Ok(c) if c.sandbox => {
            return Finding::fail(KEY, WHAT, "沙箱模式：未设置 AppID，登录与支付只到本机模拟器", SANDBOX_FIX)
        }
        Ok(c) => c,
        Err(e) => return Finding::fail(KEY, WHAT, e.to_string(), SANDBOX_FIX),
    };
    match wechat.check_credentials() {
        Ok(()) => Finding::pass(KEY, WHAT, format!("微信接受了 AppID {} 与 AppSecret", creds.appid)),
        Err(WxError::Api { errcode: 40013, .. }) => Finding::fail(
            KEY,
            WHAT,
            format!("微信说 AppID {} 无效（40013）", creds.appid),
            "核对 AppID：小程序后台 → 开发管理 → 开发设置",
        ),
        Err(WxError::Api { errcode: 40125, .. }) => Finding::fail(
            KEY,
            WHAT,
            "微信说 AppSecret 不对（40125）",
            "在小程序后台 → 开发管理 → 开发设置 重置 AppSecret，填入控制台「微信设置」",
        ),
        Err(WxError::Api { errcode: e @ (40164 | 61004), .. }) => Finding::fail(
            KEY,
            WHAT,
            format!("本机的出口 IP 不在小程序的 IP 白名单里（{e}）"),
            "把服务器的出口 IP 加入 小程序后台 → 开发管理 → 开发设置 → IP 白名单",
        ),
        Err(WxError::Api { errcode, errmsg }) => Finding::fail(
            KEY,
            WHAT,
            format!("微信拒绝：{errcode} {errmsg}"),
            "按微信的错误码核对小程序的设置",
        ),
        Err(e) => Finding::fail(
            KEY,
            WHAT,
            format!("无法访问微信 {}：{e}", creds.base),
            "服务器需要能访问 https://api.weixin.qq.com（检查 DNS、防火墙与出站代理）",
        ),
    }
}

const KEY_FIX: &str =
    "核对商户号与 API 密钥（32 位）：微信支付商户平台 → 账户中心 → API 安全，填入控制台「微信设置」";

fn pay(wechat: &WeChat) -> Finding {
    const KEY: &str = "pay";
    const WHAT: &str = "微信支付 商户号 / API 密钥";
    let creds = match wechat.pay_creds() {
        Ok(c) if c.sandbox => return Finding::fail(KEY, WHAT, "沙箱模式：支付只到本机模拟器", SANDBOX_FIX),
        Ok(c) => c,
        Err(e) => return Finding::fail(KEY, WHAT, e.to_string(), KEY_FIX),
    };
    // A payment that cannot exist: WeChat answers ORDERNOTEXIST, signed, when the key is right.
    let probe = format!("DOCTOR{}", crate::wechat::pay::nonce());
    match wechat.order_query(&creds, &probe) {
        Ok(_) => Finding::pass(
            KEY,
            WHAT,
            format!("微信支付接受了商户号 {} 的签名，应答用同一密钥验证通过", creds.mch_id),
        ),
        Err(PayError::Business { code, des })
            if code == "APPID_MCHID_NOT_MATCH" || code == "APPID_NOT_EXIST" =>
        {
            Finding::fail(
                KEY,
                WHAT,
                format!("{code}：{des}"),
                "在商户平台 → 产品中心 → AppID 账号管理 关联本小程序的 AppID",
            )
        }
        Err(e @ PayError::Transport(_)) => Finding::fail(
            KEY,
            WHAT,
            e.to_string(),
            "服务器需要能访问 https://api.mch.weixin.qq.com（检查 DNS、防火墙与出站代理）",
        ),
        Err(e) => Finding::fail(KEY, WHAT, e.to_string(), KEY_FIX),
    }
}

fn certificate(wechat: &WeChat) -> Finding {
    const KEY: &str = "cert";
    const WHAT: &str = "商户 API 证书（原路退款用）";
    let fix = "从商户平台 → 账户中心 → API 安全 下载 apiclient_cert.pem 与 apiclient_key.pem，放进数据目录，在控制台「微信设置」填写两个文件的路径";
    match wechat.pay_creds() {
        Ok(c) if c.sandbox => Finding::fail(KEY, WHAT, "沙箱模式：退款只到本机模拟器", SANDBOX_FIX),
        Ok(c) => match check_cert(&c) {
            Ok(Some(path)) => Finding::pass(KEY, WHAT, format!("证书与私钥成对，可以原路退款：{path}")),
            Ok(None) => Finding::fail(KEY, WHAT, "未设置证书", fix),
            Err(e) => Finding::fail(KEY, WHAT, e.describe(), fix),
        },
        Err(e) => Finding::fail(KEY, WHAT, e.to_string(), KEY_FIX),
    }
}

fn base_url(cfg: &Config) -> Finding {
    const KEY: &str = "base_url";
    const WHAT: &str = "对外地址（XIAODIAN_BASE_URL）";
    let Some(url) = cfg.base_url.as_deref() else {
        return Finding::fail(
            KEY,
            WHAT,
            format!("未设置：链接与支付通知会用 {}，微信无法访问", cfg.public_url()),
            "设置 XIAODIAN_BASE_URL=https://你的域名（与小程序后台的 request 合法域名一致）",
        );
    };
    let Some(host) = url.strip_prefix("https://") else {
        return Finding::fail(
            KEY,
            WHAT,
            format!("{url} 不是 https：微信只访问 https 的服务器域名"),
            "在本店前面放一个 HTTPS 反向代理（docs/deploy.md 有现成的 Caddyfile），地址用 https://",
        );
    };
    let host = host.split(['/', ':']).next().unwrap_or_default();
    let local = host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| match ip {
            std::net::IpAddr::V4(a) => a.is_loopback() || a.is_private() || a.is_link_local(),
            std::net::IpAddr::V6(a) => a.is_loopback(),
        });
    if local {
        return Finding::fail(
            KEY,
            WHAT,
            format!("{url} 是本机或内网地址，微信访问不到"),
            "用一个已备案、解析到本服务器的域名",
        );
    }
    Finding::pass(KEY, WHAT, url.to_string())
}

fn notify(cfg: &Config) -> Finding {
    const KEY: &str = "notify";
    const WHAT: &str = "支付通知地址可达";
    let url = format!("{}/notify/wxpay", cfg.public_url());
    let fix = "确认域名解析到本服务器、反向代理把 /notify/ 转发给本店（docs/deploy.md），本店正在运行";
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    // An empty notify: the shop answers its XML refusal and changes nothing.
    let answer = agent
        .post(&url)
        .header("Content-Type", "text/xml")
        .send("<xml></xml>")
        .map_err(|e| e.to_string())
        .and_then(|mut r| {
            let status = r.status().as_u16();
            r.body_mut().read_to_string().map(|b| (status, b)).map_err(|e| e.to_string())
        });
    match answer {
        Ok((200, body)) if body.contains("<return_code>") => {
            Finding::pass(KEY, WHAT, format!("{url} 由本店应答"))
        }
        Ok((status, _)) => {
            Finding::fail(KEY, WHAT, format!("{url} 应答 HTTP {status}，不是本店的支付通知"), fix)
        }
        Err(e) => Finding::fail(KEY, WHAT, format!("{url} 无法访问：{e}"), fix),
    }
}

fn backups(latest: Option<&db::backups::Backup>, now: i64) -> Finding {
    const KEY: &str = "backup";
    const WHAT: &str = "备份";
    let fix = "每天运行 xiaodian backup <文件>（docs/deploy.md 有 systemd 定时器），并把备份复制到另一台机器";
    let Some(b) = latest else {
        return Finding::fail(KEY, WHAT, "没有 xiaodian backup 的记录", fix);
    };
    let hours = (now - b.date_add) / 3600;
    if now - b.date_add > BACKUP_MAX_AGE_SECS {
        return Finding::fail(KEY, WHAT, format!("最近一次备份在 {hours} 小时前：{}", b.file), fix);
    }
    if !std::path::Path::new(&b.file).exists() {
        return Finding::fail(KEY, WHAT, format!("最近一次备份的文件已不在：{}", b.file), fix);
    }
    Finding::pass(KEY, WHAT, format!("{hours} 小时前，{} 字节：{}", b.bytes, b.file))
}

/// Litestream's local shadow copy (`.xiaodian.db-litestream` beside the database): absent means no
/// continuous replication, which is optional; present, it must follow the database's writes.
fn replication(db_path: &Path) -> Finding {
    const KEY: &str = "replication";
    const WHAT: &str = "持续复制（Litestream）";
    let name = db_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let shadow = db_path.with_file_name(format!(".{name}-litestream"));
    if !shadow.is_dir() {
        return Finding::pass(
            KEY,
            WHAT,
            "未使用 Litestream（可选；docs/deploy.md 说明如何复制到 S3 兼容存储）",
        );
    }
    let fix = "检查 Litestream 是否在运行（systemctl status litestream；journalctl -u litestream），并用 litestream snapshots 确认远端有副本";
    let Some(copied) = newest_write(&shadow, 4) else {
        return Finding::fail(KEY, WHAT, format!("{} 里没有任何文件", shadow.display()), fix);
    };
    let wal = db_path.with_file_name(format!("{name}-wal"));
    let written = [db_path, wal.as_path()].iter().filter_map(|p| modified(p)).max();
    let lag = written.and_then(|w| w.duration_since(copied).ok()).unwrap_or_default();
    if lag.as_secs() > REPLICATION_MAX_LAG_SECS {
        let minutes = lag.as_secs() / 60;
        return Finding::fail(KEY, WHAT, format!("Litestream 最近一次写入比数据库晚 {minutes} 分钟"), fix);
    }
    Finding::pass(KEY, WHAT, "Litestream 跟上了数据库的写入（远端副本请用 litestream snapshots 查看）")
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of any file under `dir`, `depth` levels down at most.
fn newest_write(dir: &Path, depth: u32) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let seen = if path.is_dir() {
            if depth == 0 {
                continue;
            }
            newest_write(&path, depth - 1)
        } else {
            modified(&path)
        };
        newest = newest.max(seen);
    }
    newest
}

/// The findings as the command prints them, one line each and the fix below a failure.
pub fn report(findings: &[Finding]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for f in findings {
        let mark = if f.ok { "✔" } else { "✘" };
        let _ = writeln!(out, "{mark} {}：{}", f.what, f.detail);
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "    修复：{fix}");
        }
    }
    let failed = findings.iter().filter(|f| !f.ok).count();
    if failed == 0 {
        out.push_str("可以收款：每一项都通过了\n");
    } else {
        let _ = writeln!(out, "{failed} 项未通过：修复后再运行 xiaodian doctor");
    }
    out
}
