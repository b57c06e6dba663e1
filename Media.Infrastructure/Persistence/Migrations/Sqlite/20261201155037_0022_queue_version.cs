using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Hand-written: every change the counts follow also moves the version (see QueueBookmarks).
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_update;");
            migrationBuilder.Sql("""
                CREATE TRIGGER unmatched_count_insert AFTER INSERT ON unmatched_file BEGIN
                    INSERT INTO unmatched_count (library_id, status, count, version) VALUES (NEW.library_id, NEW.status, 1, 1)
                    ON CONFLICT (library_id, status) DO UPDATE SET count = count + 1, version = version + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER unmatched_count_delete AFTER DELETE ON unmatched_file BEGIN
                    UPDATE unmatched_count SET count = count - 1, version = version + 1 WHERE library_id = OLD.library_id AND status = OLD.status;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER unmatched_count_update AFTER UPDATE OF status, library_id ON unmatched_file BEGIN
                    UPDATE unmatched_count SET count = count - 1, version = version + 1 WHERE library_id = OLD.library_id AND status = OLD.status;
                    INSERT INTO unmatched_count (library_id, status, count, version) VALUES (NEW.library_id, NEW.status, 1, 1)
                    ON CONFLICT (library_id, status) DO UPDATE SET count = count + 1, version = version + 1;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS unmatched_count_update;");
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

            migrationBuilder.DropColumn(
                name: "version",
                table: "unmatched_count");
        }
    }
}
