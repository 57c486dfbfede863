//! The server's background maintenance: TTL expiry and stream trimming on an interval, in a
//! task that stops when its [`Sweeper`] guard is dropped (with the server).

use crate::db::Database;
use std::time::Duration;

/// Runs [`Database::sweep_ttl`] and [`Database::trim_streams`] every interval until dropped.
pub struct Sweeper {
    /// Dropping it ends the task.
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Sweeper {
    /// Starts the task on the current tokio runtime; each round runs on a blocking thread.
    pub fn spawn(db: Database, every: Duration) -> Sweeper {
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                let db = db.clone();
                let round = tokio::task::spawn_blocking(move || {
                    let expired = db.sweep_ttl()?;
                    let trimmed = db.trim_streams()?;
                    Ok::<_, crate::Error>((expired, trimmed))
                })
                .await;
                match round {
                    Ok(Ok((0, 0))) => {}
                    Ok(Ok((expired, trimmed))) => {
                        tracing::debug!(expired, trimmed, "background sweep");
                    }
                    Ok(Err(e)) => tracing::warn!("background sweep failed: {e}"),
                    Err(e) => tracing::warn!("background sweep task failed: {e}"),
                }
            }
        });
        Sweeper { _stop: stop }
    }
}
