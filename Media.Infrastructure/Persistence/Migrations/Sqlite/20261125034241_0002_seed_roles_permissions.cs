using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0002_seed_roles_permissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "permission",
                columns: new[] { "code", "description" },
                values: new object[,]
                {
                    { "downloads.manage", "Manage download clients and download jobs." },
                    { "libraries.manage", "Create, change and delete libraries, name templates and policies." },
                    { "libraries.scan", "Start library scans." },
                    { "media.read", "Read libraries, media, files, imports, scans and the unmatched queue." },
                    { "settings.manage", "Change application settings." },
                    { "unmatched.resolve", "Match, dismiss and refresh unmatched files." },
                    { "users.manage", "Manage users and their roles." }
                });

            migrationBuilder.InsertData(
                table: "role",
                columns: new[] { "id", "name" },
                values: new object[,]
                {
                    { new Guid("0195a0c0-0000-7000-8000-000000000001"), "Admin" },
                    { new Guid("0195a0c0-0000-7000-8000-000000000002"), "Manager" },
                    { new Guid("0195a0c0-0000-7000-8000-000000000003"), "Viewer" }
                });

            migrationBuilder.InsertData(
                table: "role_permission",
                columns: new[] { "permission_code", "role_id" },
                values: new object[,]
                {
                    { "downloads.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") },
                    { "libraries.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") },
                    { "libraries.scan", new Guid("0195a0c0-0000-7000-8000-000000000001") },
                    { "media.read", new Guid("0195a0c0-0000-7000-8000-000000000001") },
                    { "settings.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") },
                    { "unmatched.resolve", new Guid("0195a0c0-0000-7000-8000-000000000001") },
                    { "users.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") },
                    { "downloads.manage", new Guid("0195a0c0-0000-7000-8000-000000000002") },
                    { "libraries.manage", new Guid("0195a0c0-0000-7000-8000-000000000002") },
                    { "libraries.scan", new Guid("0195a0c0-0000-7000-8000-000000000002") },
                    { "media.read", new Guid("0195a0c0-0000-7000-8000-000000000002") },
                    { "unmatched.resolve", new Guid("0195a0c0-0000-7000-8000-000000000002") },
                    { "media.read", new Guid("0195a0c0-0000-7000-8000-000000000003") }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "downloads.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "libraries.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "libraries.scan", new Guid("0195a0c0-0000-7000-8000-000000000001") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "media.read", new Guid("0195a0c0-0000-7000-8000-000000000001") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "settings.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "unmatched.resolve", new Guid("0195a0c0-0000-7000-8000-000000000001") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "users.manage", new Guid("0195a0c0-0000-7000-8000-000000000001") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "downloads.manage", new Guid("0195a0c0-0000-7000-8000-000000000002") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "libraries.manage", new Guid("0195a0c0-0000-7000-8000-000000000002") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "libraries.scan", new Guid("0195a0c0-0000-7000-8000-000000000002") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "media.read", new Guid("0195a0c0-0000-7000-8000-000000000002") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "unmatched.resolve", new Guid("0195a0c0-0000-7000-8000-000000000002") });

            migrationBuilder.DeleteData(
                table: "role_permission",
                keyColumns: new[] { "permission_code", "role_id" },
                keyValues: new object[] { "media.read", new Guid("0195a0c0-0000-7000-8000-000000000003") });

            migrationBuilder.DeleteData(
                table: "permission",
                keyColumn: "code",
                keyValue: "downloads.manage");

            migrationBuilder.DeleteData(
                table: "permission",
                keyColumn: "code",
                keyValue: "libraries.manage");

            migrationBuilder.DeleteData(
                table: "permission",
                keyColumn: "code",
                keyValue: "libraries.scan");

            migrationBuilder.DeleteData(
                table: "permission",
                keyColumn: "code",
                keyValue: "media.read");

            migrationBuilder.DeleteData(
                table: "permission",
                keyColumn: "code",
                keyValue: "settings.manage");

            migrationBuilder.DeleteData(
                table: "permission",
                keyColumn: "code",
                keyValue: "unmatched.resolve");

            migrationBuilder.DeleteData(
                table: "permission",
                keyColumn: "code",
                keyValue: "users.manage");

            migrationBuilder.DeleteData(
                table: "role",
                keyColumn: "id",
                keyValue: new Guid("0195a0c0-0000-7000-8000-000000000001"));

            migrationBuilder.DeleteData(
                table: "role",
                keyColumn: "id",
                keyValue: new Guid("0195a0c0-0000-7000-8000-000000000002"));

            migrationBuilder.DeleteData(
                table: "role",
                keyColumn: "id",
                keyValue: new Guid("0195a0c0-0000-7000-8000-000000000003"));
        }
    }
}
