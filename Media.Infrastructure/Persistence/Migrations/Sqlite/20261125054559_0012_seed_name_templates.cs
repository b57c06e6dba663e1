using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0012_seed_name_templates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "name_template",
                columns: new[] { "id", "created_at", "kind", "name", "pattern" },
                values: new object[,]
                {
                    { new Guid("0195a0c0-0000-7000-8000-000000000101"), 639028224000000000L, "movie", "Movies (Plex/Jellyfin)", "{Title} ({Year})/{Title} ({Year})" },
                    { new Guid("0195a0c0-0000-7000-8000-000000000102"), 639028224000000000L, "episode", "Episodes (Plex/Jellyfin)", "{Series Title} ({Year})/Season {Season:00}/{Series Title} - S{Season:00}E{Episode:00} - {Episode Title}" }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "name_template",
                keyColumn: "id",
                keyValue: new Guid("0195a0c0-0000-7000-8000-000000000101"));

            migrationBuilder.DeleteData(
                table: "name_template",
                keyColumn: "id",
                keyValue: new Guid("0195a0c0-0000-7000-8000-000000000102"));
        }
    }
}
