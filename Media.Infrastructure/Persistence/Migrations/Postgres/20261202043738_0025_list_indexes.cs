using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class _0025_list_indexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_media_item_title",
                table: "media_item");

            migrationBuilder.DropIndex(
                name: "ix_media_file_state_file_exists",
                table: "media_file_state");

            migrationBuilder.CreateIndex(
                name: "ix_media_item_title_id",
                table: "media_item",
                columns: new[] { "title", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "search_text" });

            migrationBuilder.CreateIndex(
                name: "ix_media_file_state_missing",
                table: "media_file_state",
                column: "media_file_id",
                filter: "NOT file_exists");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_media_item_title_id",
                table: "media_item");

            migrationBuilder.DropIndex(
                name: "ix_media_file_state_missing",
                table: "media_file_state");

            migrationBuilder.CreateIndex(
                name: "ix_media_item_title",
                table: "media_item",
                column: "title");

            migrationBuilder.CreateIndex(
                name: "ix_media_file_state_file_exists",
                table: "media_file_state",
                column: "file_exists");
        }
    }
}
