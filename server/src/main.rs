use app::server::settings::Settings;
use app::server::store::Db;
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;

/// The embedded default: a SQLite file, created on first start.
const DEFAULT_DATABASE_URL: &str = "sqlite://data/manual.db";
/// Demo mode's own default, so that demo accounts never share a database
/// with real ones.
const DEMO_DATABASE_URL: &str = "sqlite://data/demo.db";

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
    let settings = Settings::from_env()?;
    #[cfg(feature = "trial-edition")]
    if std::env::var("APP_TRIAL_EDITION").as_deref() == Ok("1") {
        use app::domain::procedures::{install, trial::WITH_TRIAL};
        install(&WITH_TRIAL);
    }
    let configured = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty());
    // `server seed [cases] [history rows] [days]` fills the database for
    // measurements instead of serving, with cases opened over the last
    // `days` days.
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("seed") {
        let number =
            |arg: Option<String>, default: usize| arg.map_or(Ok(default), |a| a.parse::<usize>());
        let cases = number(args.next(), 100_000)?;
        let history = number(args.next(), 2_000_000)?;
        let days = number(args.next(), server::seed::DEFAULT_DAYS)?;
        let url = configured.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let db = Db::connect(&url).await?;
        return server::seed::run(&db, cases, history, days).await;
    }
    let database_url = match configured {
        Some(url) if settings.demo && same_database(&url, DEFAULT_DATABASE_URL) => {
            return Err(format!(
                "APP_DEMO=1 no usa la base de datos de trabajo ({DEFAULT_DATABASE_URL}): sin \
                 DATABASE_URL, el modo demostración usa {DEMO_DATABASE_URL}."
            )
            .into())
        }
        Some(url) => url,
        None if settings.demo => DEMO_DATABASE_URL.to_owned(),
        None => DEFAULT_DATABASE_URL.to_owned(),
    };
    let mut leptos_options = get_configuration(None)?.leptos_options;
    // A release build names the site's files by content and lists the
    // names beside the binary: use them when they are there.
    leptos_options.hash_files |= std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&*leptos_options.hash_file)))
        .is_some_and(|file| file.exists());
    let address = leptos_options.site_addr;
    let db = Db::connect(&database_url).await?;
    let made_for_demo = db
        .claim_instance(settings.demo)
        .await
        .map_err(|e| format!("reading the database's purpose: {e}"))?;
    if settings.demo {
        if !made_for_demo {
            return Err(
                "APP_DEMO=1 solo funciona sobre una base de datos creada en modo \
                 demostración, y esta tiene cuentas reales. Use otra DATABASE_URL."
                    .into(),
            );
        }
        app::server::demo::seed(&db)
            .await
            .map_err(|e| format!("seeding the demo accounts: {e:?}"))?;
        println!("Modo demostración: cuentas <rol>@demo.local con la contraseña «demo».");
    }
    let files = app::server::files::FileStore::from_env(&default_file_folder(&database_url))?;
    let state = server::AppState::new(leptos_options, db.clone(), settings, files);
    server::files::sweep_regularly(&state);
    server::notify::run_regularly(&state);
    let stopping = state.stopping.clone();
    let app = server::router(state);
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!(
        "Manual de procedimientos en http://{} ({})",
        listener.local_addr()?,
        db.backend_name()
    );
    server::serving::serve(
        listener,
        app,
        server::serving::Limits::default(),
        async move {
            server::serving::stop_signal().await;
            // Live streams end at once: they would keep the stop waiting.
            stopping.cancel();
        },
    )
    .await;
    Ok(())
}

/// Where files are kept unless `APP_FILE_STORE` says otherwise: beside a
/// SQLite database, a folder named after it (the demo's files never mix
/// with real ones); for PostgreSQL, `data/files`.
fn default_file_folder(database_url: &str) -> std::path::PathBuf {
    let sqlite_file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| std::path::Path::new(rest.split('?').next().unwrap_or(rest)));
    match sqlite_file {
        Some(file) => {
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("manual");
            file.with_file_name(format!("{stem}-files"))
        }
        None => std::path::PathBuf::from("data/files"),
    }
}

/// Whether two SQLite URLs name the same file (`sqlite://x`, `sqlite:x`,
/// `sqlite://./x`).
fn same_database(a: &str, b: &str) -> bool {
    let path = |url: &str| {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let rest = rest.split('?').next().unwrap_or(rest);
        rest.trim_start_matches("./").to_owned()
    };
    a.starts_with("sqlite:") && path(a) == path(b)
}
