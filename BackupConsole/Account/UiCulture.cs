using System.Globalization;
using BackupConsole.Core.Identity;
using Microsoft.AspNetCore.Localization;

namespace BackupConsole.Account;

/// <summary>The UI languages: Simplified Chinese by default, English on request; remembered in a cookie.</summary>
public static class UiCulture
{
    public const string Default = "zh-CN";

    public static void Configure(RequestLocalizationOptions options)
    {
        var cultures = AccountService.SupportedCultures.Select(c => new CultureInfo(c)).ToList();
        options.DefaultRequestCulture = new RequestCulture(Default);
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        // Only the user's explicit choice counts; a browser's Accept-Language does not override the product's default.
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new QueryStringRequestCultureProvider()];
    }

    public static void WriteCookie(HttpResponse response, string culture) =>
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
}
