using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Media.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class _0020_read_indexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Lists of media files are sorted by path: the index holds the path's first 600 characters (a whole path may be
            // longer than a btree entry may be), the query orders by the same expression, then the path, then the id.
            migrationBuilder.Sql("CREATE INDEX ix_media_file_path_sort ON media_file (substr(path, 1, 600), id);");
            migrationBuilder.Sql("CREATE INDEX ix_media_file_library_path_sort ON media_file (library_id, substr(path, 1, 600), id);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_media_file_library_path_sort;");
            migrationBuilder.Sql("DROP INDEX ix_media_file_path_sort;");
        }
    }
}
