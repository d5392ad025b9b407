using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ClusterNodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Node",
                table: "RestoreJobs",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Node",
                table: "BackupData",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RunningPlanId",
                table: "BackupData",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ScheduledFor",
                table: "BackupData",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_BackupData_RunningPlanId",
                table: "BackupData",
                column: "RunningPlanId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_BackupData_RunningPlanId",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "Node",
                table: "RestoreJobs");

            migrationBuilder.DropColumn(
                name: "Node",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "RunningPlanId",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "ScheduledFor",
                table: "BackupData");
        }
    }
}
