using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace TextGameGen.Silo.Hosting;

/// <summary>Options read while the host is being built (before validation on start can run), validated the same way.</summary>
public static class ValidatedOptions
{
    /// <summary>Binds a section and validates its data annotations; a wrong value stops the start naming its key.</summary>
    public static T Read<T>(IConfiguration configuration, string section) where T : class, new()
    {
        T value;
        try
        {
            value = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(section, typeof(T), [ex.Message]);
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
            throw new OptionsValidationException(section, typeof(T), [.. results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")]);
        return value;
    }
}
