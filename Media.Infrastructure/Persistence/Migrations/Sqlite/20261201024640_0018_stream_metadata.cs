using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0018_stream_metadata : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "media_file_probe",
                columns: table => new
                {
                    media_file_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    needed = table.Column<bool>(type: "INTEGER", nullable: false),
                    requested_at = table.Column<long>(type: "INTEGER", nullable: false),
                    claim_token = table.Column<Guid>(type: "TEXT", nullable: true),
                    claimed_by = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    claimed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    file_size = table.Column<long>(type: "INTEGER", nullable: true),
                    file_modified_at = table.Column<long>(type: "INTEGER", nullable: true),
                    probed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    container = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    duration_seconds = table.Column<double>(type: "REAL", nullable: true),
                    bit_rate = table.Column<long>(type: "INTEGER", nullable: true),
                    video_codec = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    resolution = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    hdr_format = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_file_probe", x => x.media_file_id);
                    table.ForeignKey(
                        name: "fk_media_file_probe_media_file_media_file_id",
                        column: x => x.media_file_id,
                        principalTable: "media_file",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "media_stream",
                columns: table => new
                {
                    stream_index = table.Column<int>(type: "INTEGER", nullable: false),
                    media_file_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    codec = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    profile = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    width = table.Column<int>(type: "INTEGER", nullable: true),
                    height = table.Column<int>(type: "INTEGER", nullable: true),
                    frame_rate = table.Column<double>(type: "REAL", nullable: true),
                    bit_depth = table.Column<int>(type: "INTEGER", nullable: true),
                    hdr_format = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    channels = table.Column<int>(type: "INTEGER", nullable: true),
                    channel_layout = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    language = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    is_default = table.Column<bool>(type: "INTEGER", nullable: false),
                    is_forced = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_media_stream", x => new { x.media_file_id, x.stream_index });
                    table.ForeignKey(
                        name: "fk_media_stream_media_file_media_file_id",
                        column: x => x.media_file_id,
                        principalTable: "media_file",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_media_file_probe_needed",
                table: "media_file_probe",
                column: "requested_at",
                filter: "needed");

            migrationBuilder.CreateIndex(
                name: "ix_media_file_probe_resolution_video_codec",
                table: "media_file_probe",
                columns: new[] { "resolution", "video_codec" });

            migrationBuilder.CreateIndex(
                name: "ix_media_file_probe_status",
                table: "media_file_probe",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_media_stream_kind_language",
                table: "media_stream",
                columns: new[] { "kind", "language" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "media_file_probe");

            migrationBuilder.DropTable(
                name: "media_stream");
        }
    }
}
