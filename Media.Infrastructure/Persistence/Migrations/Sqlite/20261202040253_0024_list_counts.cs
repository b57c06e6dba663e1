using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
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
                    library_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_count", x => x.library_id);
                });

            migrationBuilder.CreateTable(
                name: "media_file_import_count",
                columns: table => new
                {
                    succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_import_count", x => x.succeeded);
                });

            migrationBuilder.CreateTable(
                name: "media_item_count",
                columns: table => new
                {
                    type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_item_count", x => x.type);
                });

            // Hand-written: the totals are kept by the database, so that every writer keeps them right (SQLite has
            // row triggers only; its writes are a row at a time anyway).
            foreach (var (table, counts, key) in Counted)
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {counts}_insert AFTER INSERT ON {table} BEGIN
                        INSERT INTO {counts} ({key}, count) VALUES (NEW.{key}, 1) ON CONFLICT ({key}) DO UPDATE SET count = count + 1;
                    END;
                    """);
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {counts}_delete AFTER DELETE ON {table} BEGIN
                        UPDATE {counts} SET count = count - 1 WHERE {key} = OLD.{key};
                    END;
                    """);
                migrationBuilder.Sql($"""
                    CREATE TRIGGER {counts}_update AFTER UPDATE OF {key} ON {table} WHEN OLD.{key} IS NOT NEW.{key} BEGIN
                        UPDATE {counts} SET count = count - 1 WHERE {key} = OLD.{key};
                        INSERT INTO {counts} ({key}, count) VALUES (NEW.{key}, 1) ON CONFLICT ({key}) DO UPDATE SET count = count + 1;
                    END;
                    """);
                migrationBuilder.Sql($"INSERT INTO {counts} ({key}, count) SELECT {key}, count(*) FROM {table} GROUP BY {key};");
            }
        }

        // Each counted table, the table of its totals, and the column they are kept by.
        private static readonly (string Table, string Counts, string Key)[] Counted =
        [
            ("media_file", "media_file_count", "library_id"),
            ("media_item", "media_item_count", "type"),
            ("media_file_import", "media_file_import_count", "succeeded"),
        ];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (_, counts, _) in Counted)
                foreach (var op in new[] { "insert", "delete", "update" })
                    migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {counts}_{op};");

            migrationBuilder.DropTable(
                name: "media_file_count");

            migrationBuilder.DropTable(
                name: "media_file_import_count");

            migrationBuilder.DropTable(
                name: "media_item_count");
        }
    }
}
