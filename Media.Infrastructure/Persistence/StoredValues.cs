using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence;

internal static class StoredValues
{
    /// <summary>
    /// A property's value as the database holds it (through the model's value converter: an enum as its text), for
    /// statements written by hand beside EF.
    /// </summary>
    public static object? Stored<TEntity>(this DbContext db, string property, object? value)
    {
        if (value is null) return null;
        var converter = db.Model.FindEntityType(typeof(TEntity))!.FindProperty(property)!.GetTypeMapping().Converter;
        return converter is null ? value : converter.ConvertToProvider(value);
    }
}
