using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0010_scan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scan",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    library_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    folder = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    files_seen = table.Column<int>(type: "INTEGER", nullable: false),
                    files_identified = table.Column<int>(type: "INTEGER", nullable: false),
                    files_unmatched = table.Column<int>(type: "INTEGER", nullable: false),
                    files_missing = table.Column<int>(type: "INTEGER", nullable: false),
                    queued_at = table.Column<long>(type: "INTEGER", nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    heartbeat_at = table.Column<long>(type: "INTEGER", nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scan", x => x.id);
                    table.ForeignKey(
                        name: "fk_scan_library_library_id",
                        column: x => x.library_id,
                        principalTable: "library",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_scan_library_id_active",
                table: "scan",
                column: "library_id",
                unique: true,
                filter: "status IN ('queued', 'running')");

            migrationBuilder.CreateIndex(
                name: "ix_scan_library_id_queued_at_id",
                table: "scan",
                columns: new[] { "library_id", "queued_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scan");
        }
    }
}
