using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class RestoresAndVerification : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "PlanId",
                table: "BackupData",
                type: "TEXT",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 32);

            migrationBuilder.AddColumn<string>(
                name: "SourceDescription",
                table: "BackupData",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceKind",
                table: "BackupData",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Verification",
                table: "BackupData",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "VerificationError",
                table: "BackupData",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "VerifiedAt",
                table: "BackupData",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RestoreJobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BackupId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PlanId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    PoolId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    ReadsBackups = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    BytesDone = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemsDone = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemsTotal = table.Column<long>(type: "INTEGER", nullable: true),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    CreatedInstanceId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RestoreJobs", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BackupData_PoolId_StartedAt",
                table: "BackupData",
                columns: new[] { "PoolId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RestoreJobs_BackupId_StartedAt",
                table: "RestoreJobs",
                columns: new[] { "BackupId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RestoreJobs_Status",
                table: "RestoreJobs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_RestoreJobs_TenantId",
                table: "RestoreJobs",
                column: "TenantId");

            // Rows taken before this version get their source kind from their plan (restores need it).
            migrationBuilder.Sql(
                "UPDATE BackupData SET SourceKind = (SELECT CASE p.SourceKind WHEN 'MySql' THEN 'mysql' WHEN 'Redis' THEN 'redis' " +
                "WHEN 'ObjectStorage' THEN 'object-storage' ELSE 'file-storage' END FROM Plans p WHERE p.Id = BackupData.PlanId), " +
                "Verification = 'NotVerified' WHERE PlanId IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RestoreJobs");

            migrationBuilder.DropIndex(
                name: "IX_BackupData_PoolId_StartedAt",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "SourceDescription",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "SourceKind",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "Verification",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "VerificationError",
                table: "BackupData");

            migrationBuilder.DropColumn(
                name: "VerifiedAt",
                table: "BackupData");

            migrationBuilder.AlterColumn<string>(
                name: "PlanId",
                table: "BackupData",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 32,
                oldNullable: true);
        }
    }
}
