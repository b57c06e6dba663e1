using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class _0011_unmatched_count : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "unmatched_count",
                columns: table => new
                {
                    library_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unmatched_count", x => new { x.library_id, x.status });
                });

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_library_pending",
                table: "unmatched_file",
                columns: new[] { "library_id", "discovered_at", "id" },
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_pending",
                table: "unmatched_file",
                columns: new[] { "discovered_at", "id" },
                filter: "status = 'pending'");

            // Hand-written: the counts are kept by the database itself, so every writer (scans, matches, other
            // instances, bulk loads) keeps them right.
            migrationBuilder.Sql("""
                CREATE FUNCTION unmatched_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
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
            migrationBuilder.Sql("""
                CREATE TRIGGER unmatched_count_track AFTER INSERT OR DELETE OR UPDATE OF status, library_id ON unmatched_file
                FOR EACH ROW EXECUTE FUNCTION unmatched_count_track();
                """);
            migrationBuilder.Sql("""
                INSERT INTO unmatched_count (library_id, status, count)
                SELECT library_id, status, COUNT(*) FROM unmatched_file GROUP BY library_id, status;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_track ON unmatched_file;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS unmatched_count_track();");
            migrationBuilder.DropTable(
                name: "unmatched_count");

            migrationBuilder.DropIndex(
                name: "ix_unmatched_file_library_pending",
                table: "unmatched_file");

            migrationBuilder.DropIndex(
                name: "ix_unmatched_file_pending",
                table: "unmatched_file");
        }
    }
}
