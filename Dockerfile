# BackupConsole in one container (X-6): the console, its scheduler and executors, with the tools the executors call
# (mariabackup and mariadbd for physical/snapshot backups and "create instance from backup data", redis-cli for
# operators). Build:  docker build -t backupconsole .
# Run:    docker run -d --name backupconsole -p 8080:8080 -v backupconsole-data:/var/lib/backupconsole \
#           -e Admin__Password='Choose-A-Str0ng-One' backupconsole
# Everything the console keeps (SQLite metadata, data-protection keys, the local-disk platform store, restores)
# lives in the volume. Settings are environment variables named after appsettings.sample.json (Section__Key).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source change does not download every package again.
COPY global.json dotnet-tools.json BackupConsole.sln ./
COPY BackupConsole/BackupConsole.csproj BackupConsole/
COPY BackupConsole.Core/BackupConsole.Core.csproj BackupConsole.Core/
COPY BackupConsole.Migrations.MySql/BackupConsole.Migrations.MySql.csproj BackupConsole.Migrations.MySql/
COPY BackupConsole.Migrations.PostgreSql/BackupConsole.Migrations.PostgreSql.csproj BackupConsole.Migrations.PostgreSql/
RUN dotnet restore BackupConsole/BackupConsole.csproj
COPY BackupConsole/ BackupConsole/
COPY BackupConsole.Core/ BackupConsole.Core/
COPY BackupConsole.Migrations.MySql/ BackupConsole.Migrations.MySql/
COPY BackupConsole.Migrations.PostgreSql/ BackupConsole.Migrations.PostgreSql/
RUN dotnet publish BackupConsole/BackupConsole.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends mariadb-server mariadb-backup redis-tools curl \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/backupconsole \
 && chown "$APP_UID" /var/lib/backupconsole
WORKDIR /app
COPY --from=build /app ./
# The image's own unprivileged account (APP_UID, 1654 in the .NET images); mariadbd also refuses to run as root.
USER $APP_UID
ENV Data__Directory=/var/lib/backupconsole \
    Urls=http://+:8080 \
    Logging__Console__FormatterName=json
VOLUME /var/lib/backupconsole
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "BackupConsole.dll"]
