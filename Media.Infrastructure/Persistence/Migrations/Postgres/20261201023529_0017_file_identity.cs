using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class _0017_file_identity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "device",
                table: "media_file_state",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "identity_note",
                table: "media_file_state",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "identity_stored",
                table: "media_file_state",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "inode",
                table: "media_file_state",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "modified_at",
                table: "media_file_state",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "recognised_by",
                table: "media_file_import",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "watch",
                table: "library",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.CreateIndex(
                name: "ix_media_file_state_inode",
                table: "media_file_state",
                column: "inode");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_media_file_state_inode",
                table: "media_file_state");

            migrationBuilder.DropColumn(
                name: "device",
                table: "media_file_state");

            migrationBuilder.DropColumn(
                name: "identity_note",
                table: "media_file_state");

            migrationBuilder.DropColumn(
                name: "identity_stored",
                table: "media_file_state");

            migrationBuilder.DropColumn(
                name: "inode",
                table: "media_file_state");

            migrationBuilder.DropColumn(
                name: "modified_at",
                table: "media_file_state");

            migrationBuilder.DropColumn(
                name: "recognised_by",
                table: "media_file_import");

            migrationBuilder.DropColumn(
                name: "watch",
                table: "library");
        }
    }
}
