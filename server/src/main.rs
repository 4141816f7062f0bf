use app::server::store::Db;
use axum::serve::ListenerExt;
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;

/// The embedded default: a SQLite file, created on first start.
const DEFAULT_DATABASE_URL: &str = "sqlite://data/manual.db";

fn main() -> std::process::ExitCode {
    // Rendering a page nests many futures: give the workers room beyond
    // tokio's default 2 MiB stacks.
    let served = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()
        .map_err(Into::into)
        .and_then(|runtime| runtime.block_on(serve()));
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let database_url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    // `server seed [cases] [history rows]` fills the database for
    // measurements instead of serving.
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("seed") {
        let number =
            |arg: Option<String>, default: usize| arg.map_or(Ok(default), |a| a.parse::<usize>());
        let cases = number(args.next(), 100_000)?;
        let history = number(args.next(), 2_000_000)?;
        let db = Db::connect(&database_url).await?;
        return server::seed::run(&db, cases, history).await;
    }
    let leptos_options = get_configuration(None)?.leptos_options;
    let address = leptos_options.site_addr;
    let db = Db::connect(&database_url).await?;
    if app::server::demo::enabled() {
        app::server::demo::seed(&db)
            .await
            .map_err(|e| format!("seeding the demo accounts: {e:?}"))?;
        println!("Modo demostración: cuentas <rol>@demo.local con la contraseña «demo».");
    }
    let app = server::router(leptos_options, db.clone());
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!(
        "Manual de procedimientos en http://{} ({})",
        listener.local_addr()?,
        db.backend_name()
    );
    // Pages stream in several chunks; without TCP_NODELAY, Nagle's algorithm
    // and delayed acknowledgements hold each response back by tens of ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY refused");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
