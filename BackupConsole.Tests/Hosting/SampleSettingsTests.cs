using System.Reflection;
using BackupConsole.Core.Data;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Identity;
using BackupConsole.Core.StoragePools;
using BackupConsole.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace BackupConsole.Tests.Hosting;

/// <summary>appsettings.sample.json is the operator's reference: it must hold every setting the console binds.</summary>
public sealed class SampleSettingsTests
{
    public static TheoryData<Type, string> OptionsClasses() => new()
    {
        { typeof(DataOptions), DataOptions.Section },
        { typeof(DatabaseOptions), DatabaseOptions.Section },
        { typeof(AdminOptions), AdminOptions.Section },
        { typeof(SignInSecurityOptions), SignInSecurityOptions.Section },
        { typeof(PlatformStorageOptions), PlatformStorageOptions.Section },
        { typeof(StoragePoolOptions), StoragePoolOptions.Section },
        { typeof(MySqlSnapshotOptions), MySqlSnapshotOptions.Section },
        { typeof(BackupConsole.Core.Instances.InstanceOptions), BackupConsole.Core.Instances.InstanceOptions.Section },
        { typeof(BackupConsole.Core.Plans.PlanOptions), BackupConsole.Core.Plans.PlanOptions.Section },
        { typeof(BackupConsole.Hosting.TelemetryOptions), BackupConsole.Hosting.TelemetryOptions.Section },
    };

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void Sample_settings_name_every_option(Type options, string section)
    {
        var sample = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "appsettings.sample.json"), optional: false)
            .Build();

        var settable = options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetSetMethod() is not null).ToList();
        Assert.NotEmpty(settable);
        foreach (var property in settable)
            Assert.True(sample.GetSection($"{section}:{property.Name}").Exists(), $"{section}:{property.Name} is missing from appsettings.sample.json");
    }

    [Fact]
    public void Sample_settings_bind_to_the_documented_defaults()
    {
        var sample = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "appsettings.sample.json"), optional: false)
            .Build();

        var security = sample.GetSection(SignInSecurityOptions.Section).Get<SignInSecurityOptions>()!;
        var defaults = new SignInSecurityOptions();
        Assert.Equal(defaults.PasswordMinLength, security.PasswordMinLength);
        Assert.Equal(defaults.LockoutMaxFailedAttempts, security.LockoutMaxFailedAttempts);
        Assert.Equal(defaults.LockoutMinutes, security.LockoutMinutes);
        Assert.Equal(new DataOptions().Directory, sample["Data:Directory"]);
        Assert.Equal(new AdminOptions().UserName, sample["Admin:UserName"]);
    }
}
