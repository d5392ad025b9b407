using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupConsole.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class StoragePools : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StoragePools",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Remark = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Endpoint = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Bucket = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    AccessKey = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ProtectedSecretKey = table.Column<string>(type: "TEXT", nullable: true),
                    ForcePathStyle = table.Column<bool>(type: "INTEGER", nullable: false),
                    Encrypted = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProtectedEncryptionKey = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StatusMessage = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    CheckedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoragePools", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StoragePools_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StoragePools_TenantId",
                table: "StoragePools",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_StoragePools_TenantId_Name",
                table: "StoragePools",
                columns: new[] { "TenantId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StoragePools");
        }
    }
}
