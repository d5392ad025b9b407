using System.Resources;

// The neutral resources (CoreText.resx) are Simplified Chinese, the product's own language.
[assembly: NeutralResourcesLanguage("zh-CN")]
