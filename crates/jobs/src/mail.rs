//! E-mail notifications. Each step that calls for mail writes its notices into the outbox in the
//! same transaction (`gongkai-store`); this task renders what is due from its templates
//! (`gongkai_docs::mail`), sends it over SMTP (lettre), marks it sent, and retries failures with
//! backoff. A restart or an SMTP server that is down loses nothing: the rows stay until sent.

use std::sync::Arc;
use std::time::Duration;

use gongkai_core::Clock;
use gongkai_store::Store;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where mail goes out.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// lettre's SMTP URL: `smtp://host:25` (plain, for a local relay), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`.
    pub smtp_url: String,
    /// The sender, e.g. `西里镇政府信息公开 <gongkai@xili.gov.cn>`.
    pub from: String,
}

/// A configured sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    worker: String,
    lease: chrono::Duration,
}

impl Mailer {
    /// Checks the configuration (at start-up, so a typo stops `serve` with a message naming it).
    pub fn new(config: &MailConfig) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| format!("GONGKAI_SMTP_URL 无效：{e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = config
            .from
            .parse()
            .map_err(|e| format!("GONGKAI_MAIL_FROM 无效（应为 名称 <地址>）：{e}"))?;
        Ok(Self {
            transport,
            from,
            worker: crate::worker_id(),
            lease: chrono::Duration::from_std(crate::DEFAULT_LEASE).unwrap_or_default(),
        })
    }

    /// How long a claimed mail stays this process's before another may take it over.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = chrono::Duration::from_std(lease).unwrap_or(self.lease);
        self
    }

    /// Sends what is due once; returns how many were sent.
    pub async fn deliver_due(&self, store: &Store, clock: &dyn Clock) -> Result<usize, String> {
        let now = clock.now();
        let pending = store
            .claim_mail(&self.worker, now, self.lease, 50)
            .await
            .map_err(|e| e.to_string())?;
        let mut sent = 0;
        for m in pending {
            let result = match (
                m.recipient.parse::<Mailbox>(),
                gongkai_docs::mail::text(&m.content),
            ) {
                (Err(e), _) => Err(format!("bad recipient: {e}")),
                (_, Err(e)) => Err(format!("cannot render: {e}")),
                (Ok(to), Ok(mail)) => match Message::builder()
                    // One id per outbox row: a mail sent again after a crash between sending and
                    // recording it is recognisable as the same mail.
                    .message_id(Some(format!("<outbox-{}@{}>", m.id, self.from.email.domain())))
                    .from(self.from.clone())
                    .to(to)
                    .subject(mail.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.body)
                {
                    Ok(msg) => self
                        .transport
                        .send(msg)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                },
            };
            match result {
                Ok(()) => {
                    store
                        .mail_sent(m.id, &self.worker, clock.now())
                        .await
                        .map_err(|e| e.to_string())?;
                    sent += 1;
                }
                Err(error) => {
                    // 30 s, 1 min, 2 min … capped at 1 hour.
                    let wait = 30_i64 << m.attempts.clamp(0, 7);
                    let retry = clock.now() + chrono::Duration::seconds(wait.min(3600));
                    tracing::warn!(mail = m.id, attempts = m.attempts + 1, %error, "mail not sent; will retry");
                    store
                        .mail_failed(m.id, &self.worker, &error, retry)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(sent)
    }
}

/// Runs the outbox for as long as the server runs.
pub async fn run_outbox(store: Store, clock: Arc<dyn Clock>, mailer: Mailer) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        if let Err(e) = mailer.deliver_due(&store, clock.as_ref()).await {
            tracing::warn!(error = %e, "outbox: database unavailable");
        }
    }
}
