using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
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
                    library_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false)
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

            // Hand-written: the counts are kept by the database itself (see the PostgreSQL migration).
            migrationBuilder.Sql("""
                CREATE TRIGGER unmatched_count_insert AFTER INSERT ON unmatched_file BEGIN
                    INSERT INTO unmatched_count (library_id, status, count) VALUES (NEW.library_id, NEW.status, 1)
                    ON CONFLICT (library_id, status) DO UPDATE SET count = count + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER unmatched_count_delete AFTER DELETE ON unmatched_file BEGIN
                    UPDATE unmatched_count SET count = count - 1 WHERE library_id = OLD.library_id AND status = OLD.status;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER unmatched_count_update AFTER UPDATE OF status, library_id ON unmatched_file BEGIN
                    UPDATE unmatched_count SET count = count - 1 WHERE library_id = OLD.library_id AND status = OLD.status;
                    INSERT INTO unmatched_count (library_id, status, count) VALUES (NEW.library_id, NEW.status, 1)
                    ON CONFLICT (library_id, status) DO UPDATE SET count = count + 1;
                END;
                """);
            migrationBuilder.Sql("""
                INSERT INTO unmatched_count (library_id, status, count)
                SELECT library_id, status, COUNT(*) FROM unmatched_file GROUP BY library_id, status;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_update;");
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
