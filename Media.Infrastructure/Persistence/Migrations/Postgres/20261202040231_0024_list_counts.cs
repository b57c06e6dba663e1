using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class _0024_list_counts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "media_file_count",
                columns: table => new
                {
                    library_id = table.Column<Guid>(type: "uuid", nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_count", x => x.library_id);
                });

            migrationBuilder.CreateTable(
                name: "media_file_import_count",
                columns: table => new
                {
                    succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_import_count", x => x.succeeded);
                });

            migrationBuilder.CreateTable(
                name: "media_item_count",
                columns: table => new
                {
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_item_count", x => x.type);
                });

            // Hand-written: the totals are kept by the database, so that every writer keeps them right. One function
            // for the three tables (its arguments: the counts' table and the key column), at statement level over the
            // transition tables: a scan's COPY of 256 files adds to its library's total once, not 256 times.
            // A third argument: the counts are versioned, and every statement that changes a row (not only its key)
            // moves the version of the counts of the rows it changed.
            migrationBuilder.Sql("""
                CREATE FUNCTION list_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    versioned boolean := TG_NARGS > 2;
                    changes text;
                BEGIN
                    IF TG_OP = 'TRUNCATE' THEN
                        EXECUTE format(CASE WHEN versioned THEN 'UPDATE %I SET count = 0, version = version + 1' ELSE 'DELETE FROM %I' END, TG_ARGV[0]);
                        RETURN NULL;
                    END IF;
                    changes := CASE TG_OP
                        WHEN 'INSERT' THEN 'SELECT %2$I AS key, count(*) AS n FROM added GROUP BY 1'
                        WHEN 'DELETE' THEN 'SELECT %2$I AS key, -count(*) AS n FROM removed GROUP BY 1'
                        ELSE 'SELECT key, sum(n) AS n FROM (SELECT %2$I AS key, -1 AS n FROM removed UNION ALL '
                            || 'SELECT %2$I, 1 FROM added) d GROUP BY 1' || CASE WHEN versioned THEN '' ELSE ' HAVING sum(n) <> 0' END
                    END;
                    IF versioned THEN
                        EXECUTE format('INSERT INTO %1$I AS c (%2$I, count, version) SELECT key, n, 1 FROM (' || changes || ') s ORDER BY 1 '
                            || 'ON CONFLICT (%2$I) DO UPDATE SET count = c.count + excluded.count, version = c.version + 1', TG_ARGV[0], TG_ARGV[1]);
                    ELSE
                        EXECUTE format('INSERT INTO %1$I AS c (%2$I, count) SELECT key, n FROM (' || changes || ') s ORDER BY 1 '
                            || 'ON CONFLICT (%2$I) DO UPDATE SET count = c.count + excluded.count', TG_ARGV[0], TG_ARGV[1]);
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            foreach (var (table, counts, key, versioned) in Counted)
            {
                var arguments = versioned ? $"'{counts}', '{key}', 'versioned'" : $"'{counts}', '{key}'";
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {counts}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION list_count_track({arguments});
                    """);
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {counts}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS removed
                    FOR EACH STATEMENT EXECUTE FUNCTION list_count_track({arguments});
                    """);
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {counts}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS removed NEW TABLE AS added
                    FOR EACH STATEMENT EXECUTE FUNCTION list_count_track({arguments});
                    """);
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {counts}_truncate AFTER TRUNCATE ON {table}
                    FOR EACH STATEMENT EXECUTE FUNCTION list_count_track({arguments});
                    """);
                migrationBuilder.Sql(versioned
                    ? $"INSERT INTO {counts} ({key}, count, version) SELECT {key}, count(*), 1 FROM {table} GROUP BY {key};"
                    : $"INSERT INTO {counts} ({key}, count) SELECT {key}, count(*) FROM {table} GROUP BY {key};");
            }
        }

        // Each counted table, the table of its totals, the column they are kept by, and whether they carry a version.
        private static readonly (string Table, string Counts, string Key, bool Versioned)[] Counted =
        [
            ("media_file", "media_file_count", "library_id", false),
            ("media_item", "media_item_count", "type", true),
            ("media_file_import", "media_file_import_count", "succeeded", false),
        ];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, counts, _, _) in Counted)
                foreach (var op in new[] { "insert", "delete", "update", "truncate" })
                    migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {counts}_{op} ON {table};");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS list_count_track();");

            migrationBuilder.DropTable(
                name: "media_file_count");

            migrationBuilder.DropTable(
                name: "media_file_import_count");

            migrationBuilder.DropTable(
                name: "media_item_count");
        }
    }
}
