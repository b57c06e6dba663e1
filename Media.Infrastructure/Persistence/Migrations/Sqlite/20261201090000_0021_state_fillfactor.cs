using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0021_state_fillfactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // PostgreSQL leaves room in media_file_state's pages for the scans' updates; SQLite has no such setting. The
            // migration is here so that both providers list the same migrations.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
