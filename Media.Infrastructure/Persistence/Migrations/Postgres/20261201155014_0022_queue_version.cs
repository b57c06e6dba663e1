using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class _0022_queue_version : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "version",
                table: "unmatched_count",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Hand-written: every change the counts follow also moves the version (see QueueBookmarks).
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION unmatched_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('DELETE', 'UPDATE') THEN
                        UPDATE unmatched_count SET count = count - 1, version = version + 1
                        WHERE library_id = OLD.library_id AND status = OLD.status;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN
                        INSERT INTO unmatched_count (library_id, status, count, version) VALUES (NEW.library_id, NEW.status, 1, 1)
                        ON CONFLICT (library_id, status) DO UPDATE SET count = unmatched_count.count + 1, version = unmatched_count.version + 1;
                    END IF;
                    RETURN NULL;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION unmatched_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('DELETE', 'UPDATE') THEN
                        UPDATE unmatched_count SET count = count - 1 WHERE library_id = OLD.library_id AND status = OLD.status;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN
                        INSERT INTO unmatched_count (library_id, status, count) VALUES (NEW.library_id, NEW.status, 1)
                        ON CONFLICT (library_id, status) DO UPDATE SET count = unmatched_count.count + 1;
                    END IF;
                    RETURN NULL;
                END $$;
                """);

            migrationBuilder.DropColumn(
                name: "version",
                table: "unmatched_count");
        }
    }
}
