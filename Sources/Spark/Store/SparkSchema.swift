import Database

/// The Spark tables these jobs read and write, for an empty database: on PostgreSQL the app's own schema
/// (spec §10, migrations of 373618f) with `embeddings` as `text` since pgvector may be missing; on SQLite
/// equivalent tables (text uuids and `YYYY-MM-DD HH:MM:SS` times, JSON as text).
///
/// Shuttle never alters an existing production schema: these statements are for `shuttle migrate` on an
/// empty database and for tests.
public enum SparkSchema {
    /// Every table created here, in dependency order.
    public static let tables = ["users", "integration_groups", "integrations", "objects", "events", "blocks", "tags", "taggables"]

    public static func statements(for dialect: SQLDialect) -> [String] {
        dialect == .postgres ? postgres : sqlite
    }

    /// Creates the tables (`if not exists`), one statement per round trip.
    public static func create(on connection: any SQLConnection) async throws {
        for statement in statements(for: connection.dialect) {
            try await connection.execute(statement)
        }
    }

    static let postgres: [String] = [
        """
        create table if not exists users (
          id uuid primary key, name varchar(255) not null,
          email varchar(255) not null constraint users_email_unique unique,
          email_verified_at timestamp(0) without time zone null, password varchar(255) not null,
          remember_token varchar(100) null,
          created_at timestamp(0) without time zone null, updated_at timestamp(0) without time zone null)
        """,
        """
        create table if not exists integration_groups (
          id uuid primary key default gen_random_uuid(), user_id uuid not null, service text not null,
          account_id text null, webhook_secret text null, access_token text null, refresh_token text null,
          expiry timestamp(0) with time zone null, refresh_expiry timestamp(0) with time zone null,
          auth_metadata jsonb not null default '{}'::jsonb,
          created_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          updated_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          deleted_at timestamp(0) with time zone null,
          constraint integration_groups_user_id_foreign foreign key (user_id) references users(id) on delete cascade)
        """,
        "create index if not exists integration_groups_user_id_index on integration_groups (user_id)",
        """
        create table if not exists integrations (
          id uuid primary key default gen_random_uuid(), user_id uuid not null, integration_group_id uuid null,
          service text null, name text null, account_id text null, instance_type text null, configuration jsonb null,
          last_triggered_at timestamp(0) with time zone null, last_successful_update_at timestamp(0) with time zone null,
          migration_batch_id varchar(36) null,
          created_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          updated_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          deleted_at timestamp(0) with time zone null,
          constraint integrations_user_id_foreign foreign key (user_id) references users(id),
          constraint integrations_integration_group_id_foreign foreign key (integration_group_id)
            references integration_groups(id) on delete cascade)
        """,
        "create index if not exists integrations_integration_group_id_index on integrations (integration_group_id)",
        """
        create table if not exists objects (
          id uuid primary key default gen_random_uuid(),
          time timestamp(0) with time zone not null default (now() at time zone 'utc'),
          user_id uuid not null, concept text not null, type text not null, title text not null, content text null,
          metadata json null, url text null, media_url text null, embeddings text null,
          created_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          updated_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          deleted_at timestamp(0) with time zone null,
          constraint objects_user_id_foreign foreign key (user_id) references users(id))
        """,
        """
        create table if not exists events (
          id uuid primary key default gen_random_uuid(), source_id text not null,
          time timestamp(0) with time zone not null default (now() at time zone 'utc'),
          integration_id uuid not null, actor_id uuid not null, actor_metadata json null, service text not null,
          domain text not null, action text not null, value bigint null, value_multiplier integer null,
          value_unit text null, event_metadata json null, target_id uuid not null, target_metadata json null,
          embeddings text null,
          created_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          updated_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          deleted_at timestamp(0) with time zone null,
          constraint events_target_id_foreign foreign key (target_id) references objects(id),
          constraint events_actor_id_foreign foreign key (actor_id) references objects(id),
          constraint events_integration_id_foreign foreign key (integration_id) references integrations(id),
          constraint events_integration_source_unique unique (integration_id, source_id))
        """,
        """
        create table if not exists blocks (
          id uuid primary key default gen_random_uuid(), event_id uuid null, time timestamp(0) with time zone null,
          title text null, metadata json null, url text null, media_url text null, value bigint null,
          value_multiplier integer null, value_unit text null, embeddings text null,
          created_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          updated_at timestamp(0) with time zone not null default (now() at time zone 'utc'),
          deleted_at timestamp(0) with time zone null, block_type varchar(255) null,
          constraint blocks_event_id_foreign foreign key (event_id) references events(id))
        """,
        """
        create table if not exists tags (
          id bigserial primary key, name json not null, slug json not null, type varchar(255) null,
          order_column integer null,
          created_at timestamp(0) without time zone null, updated_at timestamp(0) without time zone null)
        """,
        """
        create table if not exists taggables (
          tag_id bigint not null constraint taggables_tag_id_foreign references tags(id) on delete cascade,
          taggable_id uuid not null, taggable_type varchar(255) not null,
          constraint taggables_tag_id_taggable_id_taggable_type_unique unique (tag_id, taggable_id, taggable_type))
        """,
    ]

    static let sqlite: [String] = [
        """
        create table if not exists users (
          id varchar primary key not null, name varchar not null, email varchar not null unique,
          email_verified_at datetime null, password varchar not null, remember_token varchar null,
          created_at datetime null, updated_at datetime null)
        """,
        """
        create table if not exists integration_groups (
          id varchar primary key not null, user_id varchar not null references users(id) on delete cascade,
          service text not null, account_id text null, webhook_secret text null, access_token text null,
          refresh_token text null, expiry datetime null, refresh_expiry datetime null,
          auth_metadata text not null default '{}', created_at datetime not null default current_timestamp,
          updated_at datetime not null default current_timestamp, deleted_at datetime null)
        """,
        """
        create table if not exists integrations (
          id varchar primary key not null, user_id varchar not null references users(id),
          integration_group_id varchar null references integration_groups(id) on delete cascade,
          service text null, name text null, account_id text null, instance_type text null, configuration text null,
          last_triggered_at datetime null, last_successful_update_at datetime null, migration_batch_id varchar null,
          created_at datetime not null default current_timestamp, updated_at datetime not null default current_timestamp,
          deleted_at datetime null)
        """,
        "create index if not exists integrations_integration_group_id_index on integrations (integration_group_id)",
        """
        create table if not exists objects (
          id varchar primary key not null, time datetime not null default current_timestamp,
          user_id varchar not null references users(id), concept text not null, type text not null,
          title text not null, content text null, metadata text null, url text null, media_url text null,
          embeddings text null, created_at datetime not null default current_timestamp,
          updated_at datetime not null default current_timestamp, deleted_at datetime null)
        """,
        "create index if not exists objects_lookup_index on objects (user_id, concept, type, title)",
        """
        create table if not exists events (
          id varchar primary key not null, source_id text not null, time datetime not null default current_timestamp,
          integration_id varchar not null references integrations(id), actor_id varchar not null references objects(id),
          actor_metadata text null, service text not null, domain text not null, action text not null,
          value integer null, value_multiplier integer null, value_unit text null, event_metadata text null,
          target_id varchar not null references objects(id), target_metadata text null, embeddings text null,
          created_at datetime not null default current_timestamp, updated_at datetime not null default current_timestamp,
          deleted_at datetime null, unique (integration_id, source_id))
        """,
        """
        create table if not exists blocks (
          id varchar primary key not null, event_id varchar null references events(id), time datetime null,
          title text null, metadata text null, url text null, media_url text null, value integer null,
          value_multiplier integer null, value_unit text null, embeddings text null,
          created_at datetime not null default current_timestamp, updated_at datetime not null default current_timestamp,
          deleted_at datetime null, block_type varchar null)
        """,
        "create index if not exists blocks_event_id_index on blocks (event_id)",
        """
        create table if not exists tags (
          id integer primary key autoincrement not null, name text not null, slug text not null, type varchar null,
          order_column integer null, created_at datetime null, updated_at datetime null)
        """,
        """
        create table if not exists taggables (
          tag_id integer not null references tags(id) on delete cascade, taggable_id varchar not null,
          taggable_type varchar not null, unique (tag_id, taggable_id, taggable_type))
        """,
    ]
}
