using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class PoolCustomCa : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CustomCaPem",
                table: "StoragePools",
                type: "TEXT",
                maxLength: 65536,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CustomCaPem",
                table: "StoragePools");
        }
    }
}
