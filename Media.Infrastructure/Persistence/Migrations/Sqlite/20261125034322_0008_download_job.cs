using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0008_download_job : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "download_job",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    media_item_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    library_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    downloader_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    progress = table.Column<double>(type: "REAL", nullable: false),
                    client_reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    save_path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_job", x => x.id);
                    table.ForeignKey(
                        name: "fk_download_job_downloader_downloader_id",
                        column: x => x.downloader_id,
                        principalTable: "downloader",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_download_job_library_library_id",
                        column: x => x.library_id,
                        principalTable: "library",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_download_job_media_item_media_item_id",
                        column: x => x.media_item_id,
                        principalTable: "media_item",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "download_job_episode",
                columns: table => new
                {
                    episode_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    download_job_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_job_episode", x => new { x.download_job_id, x.episode_id });
                    table.ForeignKey(
                        name: "fk_download_job_episode_download_job_download_job_id",
                        column: x => x.download_job_id,
                        principalTable: "download_job",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_download_job_episode_episode_episode_id",
                        column: x => x.episode_id,
                        principalTable: "episode",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_download_job_downloader_id",
                table: "download_job",
                column: "downloader_id");

            migrationBuilder.CreateIndex(
                name: "ix_download_job_library_id",
                table: "download_job",
                column: "library_id");

            migrationBuilder.CreateIndex(
                name: "ix_download_job_media_item_id",
                table: "download_job",
                column: "media_item_id");

            migrationBuilder.CreateIndex(
                name: "ix_download_job_status_updated_at",
                table: "download_job",
                columns: new[] { "status", "updated_at" });

            migrationBuilder.CreateIndex(
                name: "ix_download_job_episode_episode_id",
                table: "download_job_episode",
                column: "episode_id");

            migrationBuilder.AddForeignKey(
                name: "fk_media_file_import_download_job_download_job_id",
                table: "media_file_import",
                column: "download_job_id",
                principalTable: "download_job",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_media_file_import_download_job_download_job_id",
                table: "media_file_import");

            migrationBuilder.DropTable(
                name: "download_job_episode");

            migrationBuilder.DropTable(
                name: "download_job");
        }
    }
}
