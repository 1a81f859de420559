//! `gongkai user …`, `gongkai agency …` and the first administrator.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::auth::{
    Role, check_password_strength, hash_password, parse_username, random_password,
};
use gongkai_core::{Agency, AgencyKind, CreditCode, Slug};
use gongkai_store::{NewUser, RoleChange, Store};

use gongkai_store::By;

/// A password from a file (first line, trimmed), checked for strength.
fn password_from(file: &Path, username: &str) -> Result<String> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("读取密码文件 {}", file.display()))?;
    let password = text.lines().next().unwrap_or_default().trim().to_owned();
    check_password_strength(&password, username)
        .map_err(|e| anyhow!("{e}（密码文件 {}）", file.display()))?;
    Ok(password)
}

/// The password from `file`, or a generated one-time password that must be changed at sign-in.
fn password_or_generated(file: Option<&Path>, username: &str) -> Result<(String, bool)> {
    match file {
        Some(f) => Ok((password_from(f, username)?, false)),
        None => Ok((random_password(), true)),
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a one-time password unless --password-file is given.
    Add {
        /// Login name.
        username: String,
        /// The person's name.
        #[arg(long)]
        name: String,
        /// Make the account a system administrator.
        #[arg(long)]
        system_admin: bool,
        /// Read the password from this file.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Set a new password; prints a one-time password unless --password-file is given.
    Passwd {
        /// Login name.
        username: String,
        /// Read the password from this file.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Give a role in an agency.
    Grant {
        /// Login name.
        username: String,
        /// Agency slug.
        #[arg(long)]
        agency: String,
        /// drafter, `first_reviewer`, `final_reviewer`, `case_officer`, `agency_admin` or `oversight_officer`.
        #[arg(long)]
        role: String,
    },
    /// Take a role in an agency away.
    Revoke {
        /// Login name.
        username: String,
        /// Agency slug.
        #[arg(long)]
        agency: String,
        /// The role.
        #[arg(long)]
        role: String,
    },
    /// List accounts and their roles.
    List,
}

#[derive(Debug, clap::Subcommand)]
pub enum AgencyCommand {
    /// Add an agency.
    Add {
        /// URL name, e.g. yiyuan-xili.
        #[arg(long)]
        slug: String,
        /// Full official name.
        #[arg(long)]
        name: String,
        /// 统一社会信用代码.
        #[arg(long)]
        credit_code: String,
        /// town, street, `county_government` or department.
        #[arg(long)]
        kind: String,
        /// The supervising agency's slug.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Change an agency's name, kind, credit code or parent.
    Update {
        /// The agency's slug.
        slug: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New credit code.
        #[arg(long)]
        credit_code: Option<String>,
        /// New kind.
        #[arg(long)]
        kind: Option<String>,
        /// New parent slug.
        #[arg(long, conflicts_with = "no_parent")]
        parent: Option<String>,
        /// Remove the parent.
        #[arg(long)]
        no_parent: bool,
        /// The date (MM-DD of the next year) by which the agencies below publish their reports;
        /// "default" restores the 条例's dates.
        #[arg(long)]
        report_deadline: Option<String>,
    },
    /// List agencies as a tree.
    List,
}

/// Creates the administrator `admin` when the database has no account, printing the one-time
/// password once (or using the password file's).
pub async fn first_admin(
    store: &Store,
    password_file: Option<&Path>,
    settings: &gongkai_web::Settings,
    now: DateTime<Utc>,
) -> Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let (password, must_change) = password_or_generated(password_file, "admin")?;
    let hash = hash_password(&password, settings.hash_params).map_err(|e| anyhow!("{e}"))?;
    let user = NewUser {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        password_hash: hash,
        is_system_admin: true,
        must_change_password: must_change,
    };
    // Several servers started at once on a new database all see no account: one creates the
    // administrator, the others find the name taken and go on.
    match store
        .create_user(&user, By::new(&Actor::system("首次启动创建管理员"), now))
        .await
    {
        Ok(_) => {}
        Err(gongkai_store::StoreError::Conflict(_)) => {
            tracing::info!(
                "the administrator was created by another server starting at the same time"
            );
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    if password_file.is_some() {
        println!("已创建系统管理员账号 admin，密码取自密码文件。");
    } else {
        println!("已创建系统管理员账号 admin，一次性密码：{password}");
        println!("此密码只显示这一次，请妥善保存；首次登录后须设置新密码。");
    }
    Ok(())
}

fn slug(s: &str) -> Result<Slug> {
    Slug::parse(s).map_err(|e| anyhow!("{e}"))
}

async fn user_id(store: &Store, username: &str) -> Result<i64> {
    let name = parse_username(username).map_err(|e| anyhow!("{e}"))?;
    Ok(store
        .find_user_by_username(&name)
        .await?
        .ok_or_else(|| anyhow!("用户“{name}”不存在"))?
        .id)
}

/// `gongkai user …`.
pub async fn user(store: &Store, cmd: UserCommand, now: DateTime<Utc>) -> Result<ExitCode> {
    let params = gongkai_web::Settings::default().hash_params;
    match cmd {
        UserCommand::Add {
            username,
            name,
            system_admin,
            password_file,
        } => {
            let username = parse_username(&username).map_err(|e| anyhow!("{e}"))?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 50 {
                bail!("姓名不能为空，且不超过50个字");
            }
            let (password, must_change) =
                password_or_generated(password_file.as_deref(), &username)?;
            let user = NewUser {
                username: username.clone(),
                display_name: name.to_owned(),
                password_hash: hash_password(&password, params).map_err(|e| anyhow!("{e}"))?,
                is_system_admin: system_admin,
                must_change_password: must_change,
            };
            store
                .create_user(
                    &user,
                    By::new(&Actor::system("命令行 gongkai user add"), now),
                )
                .await?;
            println!("已新建用户 {username}（{name}）。");
            if password_file.is_none() {
                println!("一次性密码：{password}（只显示这一次；首次登录后须修改）");
            }
        }
        UserCommand::Passwd {
            username,
            password_file,
        } => {
            let id = user_id(store, &username).await?;
            let (password, must_change) =
                password_or_generated(password_file.as_deref(), &username)?;
            let hash = hash_password(&password, params).map_err(|e| anyhow!("{e}"))?;
            store
                .set_password(
                    id,
                    &hash,
                    must_change,
                    None,
                    By::new(&Actor::system("命令行 gongkai user passwd"), now),
                )
                .await?;
            println!("已为 {username} 设置新密码，其所有登录已退出。");
            if password_file.is_none() {
                println!("一次性密码：{password}（只显示这一次；登录后须修改）");
            }
        }
        UserCommand::Grant {
            username,
            agency,
            role,
        } => change_role(store, &username, &agency, &role, true, now).await?,
        UserCommand::Revoke {
            username,
            agency,
            role,
        } => change_role(store, &username, &agency, &role, false, now).await?,
        UserCommand::List => {
            let grants = store.all_grants().await?;
            for u in store.list_users().await? {
                let roles: Vec<String> = grants
                    .iter()
                    .filter(|(id, _)| *id == u.id)
                    .map(|(_, g)| format!("{}:{}", g.agency, g.role.key()))
                    .collect();
                println!(
                    "{}\t{}\t{}{}\t{}",
                    u.username,
                    u.display_name,
                    if u.is_system_admin {
                        "系统管理员 "
                    } else {
                        ""
                    },
                    if u.disabled { "（已停用）" } else { "" },
                    roles.join(" ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints agencies below `parent` as an indented tree.
fn walk(all: &[Agency], parent: Option<&Slug>, depth: usize, seen: &mut Vec<Slug>) {
    for a in all.iter().filter(|a| a.parent.as_ref() == parent) {
        if seen.contains(&a.slug) {
            continue;
        }
        seen.push(a.slug.clone());
        println!(
            "{}{}\t{}\t{}\t{}",
            "  ".repeat(depth),
            a.slug,
            a.name,
            a.kind.label(),
            a.credit_code.as_str()
        );
        walk(all, Some(&a.slug), depth + 1, seen);
    }
}

/// `gongkai agency …`.
pub async fn agency(store: &Store, cmd: AgencyCommand, now: DateTime<Utc>) -> Result<ExitCode> {
    match cmd {
        AgencyCommand::Add {
            slug: s,
            name,
            credit_code,
            kind,
            parent,
        } => {
            let agency = Agency::new(
                slug(&s)?,
                &name,
                CreditCode::parse(&credit_code).map_err(|e| anyhow!("{e}"))?,
                kind.parse::<AgencyKind>().map_err(|e| anyhow!("{e}"))?,
                parent.as_deref().map(slug).transpose()?,
            )
            .map_err(|e| anyhow!("{e}"))?;
            store
                .insert_agency(
                    &agency,
                    By::new(&Actor::system("命令行 gongkai agency add"), now),
                )
                .await?;
            println!("已添加机关 {}（{}）。", agency.name, agency.slug);
        }
        AgencyCommand::Update {
            slug: s,
            name,
            credit_code,
            kind,
            parent,
            no_parent,
            report_deadline,
        } => {
            let current = store
                .find_agency(&slug(&s)?)
                .await?
                .ok_or_else(|| anyhow!("机关“{s}”不存在"))?;
            let new_parent = match (parent, no_parent) {
                (Some(p), _) => Some(slug(&p)?),
                (None, true) => None,
                (None, false) => current.parent.clone(),
            };
            if let Some(p) = &new_parent {
                let all = store.list_agencies().await?;
                if gongkai_core::auth::Hierarchy::new(&all).would_cycle(&current.slug, p) {
                    bail!("上级机关不能是本机关或其下属机关");
                }
            }
            let updated = Agency::new(
                current.slug.clone(),
                name.as_deref().unwrap_or(&current.name),
                match credit_code {
                    Some(c) => CreditCode::parse(&c).map_err(|e| anyhow!("{e}"))?,
                    None => current.credit_code.clone(),
                },
                match kind {
                    Some(k) => k.parse::<AgencyKind>().map_err(|e| anyhow!("{e}"))?,
                    None => current.kind,
                },
                new_parent,
            )
            .map_err(|e| anyhow!("{e}"))?;
            store
                .update_agency(
                    &updated,
                    By::new(&Actor::system("命令行 gongkai agency update"), now),
                )
                .await?;
            if let Some(d) = report_deadline {
                let deadline = match d.as_str() {
                    "default" => None,
                    text => Some(
                        gongkai_core::report::workspace::MonthDay::parse(text)
                            .map_err(|e| anyhow!("{e}"))?,
                    ),
                };
                store
                    .set_report_deadline(
                        &updated.slug,
                        deadline,
                        By::new(&Actor::system("命令行 gongkai agency update"), now),
                    )
                    .await?;
            }
            println!("已保存机关 {}。", updated.slug);
        }
        AgencyCommand::List => {
            let all = store.list_agencies().await?;
            walk(&all, None, 0, &mut Vec::new());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `gongkai user grant` and `gongkai user revoke`.
async fn change_role(
    store: &Store,
    username: &str,
    agency: &str,
    role: &str,
    grant: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = user_id(store, username).await?;
    let role: Role = role.parse().map_err(|e| anyhow!("{e}"))?;
    let agency = slug(agency)?;
    let (change, by) = if grant {
        (
            RoleChange::Grant,
            Actor::system("命令行 gongkai user grant"),
        )
    } else {
        (
            RoleChange::Revoke,
            Actor::system("命令行 gongkai user revoke"),
        )
    };
    let changed = store
        .change_role(id, &agency, role, change, By::new(&by, now))
        .await?;
    println!(
        "{}",
        match (grant, changed) {
            (true, true) => "已授予角色。",
            (true, false) => "该用户已有此角色，未做更改。",
            (false, true) => "已撤销角色。",
            (false, false) => "该用户没有此角色，未做更改。",
        }
    );
    Ok(())
}
