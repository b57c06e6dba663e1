using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0023_title_search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "media_item",
                type: "TEXT",
                nullable: true,
                computedColumnSql: "lower(title) || '\n' || lower(coalesce(original_title, ''))",
                stored: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "search_text",
                table: "media_item");
        }
    }
}
