using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0005_media : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "media_item",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    tmdb_id = table.Column<int>(type: "INTEGER", nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    original_title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    year = table.Column<int>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_item", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "season",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    media_item_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    season_number = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_season", x => x.id);
                    table.ForeignKey(
                        name: "fk_season_media_item_media_item_id",
                        column: x => x.media_item_id,
                        principalTable: "media_item",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "episode",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    season_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    episode_number = table.Column<int>(type: "INTEGER", nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    air_date = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_episode", x => x.id);
                    table.ForeignKey(
                        name: "fk_episode_season_season_id",
                        column: x => x.season_id,
                        principalTable: "season",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "media_file",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    library_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    media_item_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    episode_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file", x => x.id);
                    table.ForeignKey(
                        name: "fk_media_file_episode_episode_id",
                        column: x => x.episode_id,
                        principalTable: "episode",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_media_file_library_library_id",
                        column: x => x.library_id,
                        principalTable: "library",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_media_file_media_item_media_item_id",
                        column: x => x.media_item_id,
                        principalTable: "media_item",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "media_file_import",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    media_file_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    download_job_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    method = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    source_path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    destination_path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    error_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    attempted_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_import", x => x.id);
                    table.ForeignKey(
                        name: "fk_media_file_import_media_file_media_file_id",
                        column: x => x.media_file_id,
                        principalTable: "media_file",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "media_file_state",
                columns: table => new
                {
                    media_file_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    file_exists = table.Column<bool>(type: "INTEGER", nullable: false),
                    file_size = table.Column<long>(type: "INTEGER", nullable: false),
                    last_verified_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_state", x => x.media_file_id);
                    table.ForeignKey(
                        name: "fk_media_file_state_media_file_media_file_id",
                        column: x => x.media_file_id,
                        principalTable: "media_file",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "unmatched_file",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    library_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    discovered_at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    resolved_at = table.Column<long>(type: "INTEGER", nullable: true),
                    media_file_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    suggestions = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unmatched_file", x => x.id);
                    table.ForeignKey(
                        name: "fk_unmatched_file_library_library_id",
                        column: x => x.library_id,
                        principalTable: "library",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_unmatched_file_media_file_media_file_id",
                        column: x => x.media_file_id,
                        principalTable: "media_file",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_episode_season_id_episode_number",
                table: "episode",
                columns: new[] { "season_id", "episode_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_media_file_episode_id",
                table: "media_file",
                column: "episode_id");

            migrationBuilder.CreateIndex(
                name: "ix_media_file_library_id_path",
                table: "media_file",
                columns: new[] { "library_id", "path" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_media_file_media_item_id",
                table: "media_file",
                column: "media_item_id");

            migrationBuilder.CreateIndex(
                name: "ix_media_file_import_attempted_at_id",
                table: "media_file_import",
                columns: new[] { "attempted_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_media_file_import_download_job_id_attempted_at",
                table: "media_file_import",
                columns: new[] { "download_job_id", "attempted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_media_file_import_media_file_id_attempted_at",
                table: "media_file_import",
                columns: new[] { "media_file_id", "attempted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_media_file_state_file_exists",
                table: "media_file_state",
                column: "file_exists");

            migrationBuilder.CreateIndex(
                name: "ix_media_item_title",
                table: "media_item",
                column: "title");

            migrationBuilder.CreateIndex(
                name: "ix_media_item_type_tmdb_id",
                table: "media_item",
                columns: new[] { "type", "tmdb_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_season_media_item_id_season_number",
                table: "season",
                columns: new[] { "media_item_id", "season_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_library_id_path",
                table: "unmatched_file",
                columns: new[] { "library_id", "path" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_library_id_status_discovered_at_id",
                table: "unmatched_file",
                columns: new[] { "library_id", "status", "discovered_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_media_file_id",
                table: "unmatched_file",
                column: "media_file_id");

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_status_discovered_at_id",
                table: "unmatched_file",
                columns: new[] { "status", "discovered_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "media_file_import");

            migrationBuilder.DropTable(
                name: "media_file_state");

            migrationBuilder.DropTable(
                name: "unmatched_file");

            migrationBuilder.DropTable(
                name: "media_file");

            migrationBuilder.DropTable(
                name: "episode");

            migrationBuilder.DropTable(
                name: "season");

            migrationBuilder.DropTable(
                name: "media_item");
        }
    }
}
