using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class PlanMetrics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PlanMetrics",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PlanId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RunId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    CpuPercent = table.Column<double>(type: "REAL", nullable: false),
                    MemoryBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    NetInBytesPerSecond = table.Column<double>(type: "REAL", nullable: false),
                    NetOutBytesPerSecond = table.Column<double>(type: "REAL", nullable: false),
                    TotalInBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalOutBytes = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanMetrics", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PlanMetrics_AtMs",
                table: "PlanMetrics",
                column: "AtMs");

            migrationBuilder.CreateIndex(
                name: "IX_PlanMetrics_PlanId_AtMs",
                table: "PlanMetrics",
                columns: new[] { "PlanId", "AtMs" });

            migrationBuilder.CreateIndex(
                name: "IX_PlanMetrics_TenantId",
                table: "PlanMetrics",
                column: "TenantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PlanMetrics");
        }
    }
}
