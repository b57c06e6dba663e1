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
                    count = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_item_count", x => x.type);
                });

            // Hand-written: the totals are kept by the database, so that every writer keeps them right (SQLite has
            // row triggers only; its writes are a row at a time anyway). Versioned counts move their version with every
            // change to a row (not only to its key).
            foreach (var (table, counts, key, versioned) in Counted)
            {
                var (columns, first, bump) = versioned ? ("count, version", "1, 1", ", version = version + 1") : ("count", "1", "");
                var added = $"INSERT INTO {counts} ({key}, {columns}) VALUES (NEW.{key}, {first}) ON CONFLICT ({key}) DO UPDATE SET count = count + 1{bump};";
                var removed = $"UPDATE {counts} SET count = count - 1{bump} WHERE {key} = OLD.{key};";
                migrationBuilder.Sql($"CREATE TRIGGER {counts}_insert AFTER INSERT ON {table} BEGIN {added} END;");
                migrationBuilder.Sql($"CREATE TRIGGER {counts}_delete AFTER DELETE ON {table} BEGIN {removed} END;");
                migrationBuilder.Sql(versioned
                    ? $"CREATE TRIGGER {counts}_update AFTER UPDATE ON {table} BEGIN {removed} {added} END;"
                    : $"CREATE TRIGGER {counts}_update AFTER UPDATE OF {key} ON {table} WHEN OLD.{key} IS NOT NEW.{key} BEGIN {removed} {added} END;");
                migrationBuilder.Sql($"INSERT INTO {counts} ({key}, {columns}) SELECT {key}, count(*){(versioned ? ", 1" : "")} FROM {table} GROUP BY {key};");
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
            foreach (var (_, counts, _, _) in Counted)
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
