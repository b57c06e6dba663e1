using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class _0021_state_fillfactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every scan sets last_verified_at on each file it saw (no indexed column changes): with room left in each page,
            // PostgreSQL writes the new row version beside the old one without touching an index (a HOT update), about a
            // third of the cost. Pages written before this keep their fill until their rows are next updated.
            migrationBuilder.Sql("ALTER TABLE media_file_state SET (fillfactor = 70);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE media_file_state RESET (fillfactor);");
        }
    }
}
