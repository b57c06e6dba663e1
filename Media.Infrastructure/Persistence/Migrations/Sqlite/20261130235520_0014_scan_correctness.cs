using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0014_scan_correctness : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_unmatched_file_library_id_path",
                table: "unmatched_file");

            migrationBuilder.DropIndex(
                name: "ix_media_file_library_id_path",
                table: "media_file");

            migrationBuilder.AddColumn<byte[]>(
                name: "path_hash",
                table: "unmatched_file",
                type: "BLOB",
                maxLength: 32,
                nullable: false,
                defaultValue: Array.Empty<byte>());

            migrationBuilder.AddColumn<string>(
                name: "current_folder",
                table: "scan",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "files_failed",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "files_walked",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "problem_count",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "problems",
                table: "scan",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "skipped_extras",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "skipped_extras_folders",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "skipped_not_video",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "skipped_partial",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "skipped_samples",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "skipped_system_folders",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "skipped_unreadable_folders",
                table: "scan",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<byte[]>(
                name: "path_hash",
                table: "media_file",
                type: "BLOB",
                maxLength: 32,
                nullable: false,
                defaultValue: Array.Empty<byte>());

            migrationBuilder.CreateTable(
                name: "media_file_episode",
                columns: table => new
                {
                    episode_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    media_file_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_episode", x => new { x.media_file_id, x.episode_id });
                    table.ForeignKey(
                        name: "fk_media_file_episode_episode_episode_id",
                        column: x => x.episode_id,
                        principalTable: "episode",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_media_file_episode_media_file_media_file_id",
                        column: x => x.media_file_id,
                        principalTable: "media_file",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Existing rows get their real keys and episode links before the unique index is built
            // (media_sha256 is registered on every connection, see SqlitePragmas).
            migrationBuilder.Sql("UPDATE media_file SET path_hash = media_sha256(path);");
            migrationBuilder.Sql("UPDATE unmatched_file SET path_hash = media_sha256(path);");
            migrationBuilder.Sql("INSERT INTO media_file_episode (media_file_id, episode_id, position) SELECT id, episode_id, 0 FROM media_file WHERE episode_id IS NOT NULL;");

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_library_id_path_hash",
                table: "unmatched_file",
                columns: new[] { "library_id", "path_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_media_file_library_id_path_hash",
                table: "media_file",
                columns: new[] { "library_id", "path_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_media_file_episode_episode_id",
                table: "media_file_episode",
                column: "episode_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "media_file_episode");

            migrationBuilder.DropIndex(
                name: "ix_unmatched_file_library_id_path_hash",
                table: "unmatched_file");

            migrationBuilder.DropIndex(
                name: "ix_media_file_library_id_path_hash",
                table: "media_file");

            migrationBuilder.DropColumn(
                name: "path_hash",
                table: "unmatched_file");

            migrationBuilder.DropColumn(
                name: "current_folder",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "files_failed",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "files_walked",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "problem_count",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "problems",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "skipped_extras",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "skipped_extras_folders",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "skipped_not_video",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "skipped_partial",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "skipped_samples",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "skipped_system_folders",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "skipped_unreadable_folders",
                table: "scan");

            migrationBuilder.DropColumn(
                name: "path_hash",
                table: "media_file");

            migrationBuilder.CreateIndex(
                name: "ix_unmatched_file_library_id_path",
                table: "unmatched_file",
                columns: new[] { "library_id", "path" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_media_file_library_id_path",
                table: "media_file",
                columns: new[] { "library_id", "path" },
                unique: true);
        }
    }
}
