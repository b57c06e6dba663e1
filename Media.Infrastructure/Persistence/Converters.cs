using System.Linq.Expressions;
using System.Text.Json;
using Media.Domain.Common;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Media.Infrastructure.Persistence;

/// <summary>Stores a strongly typed id as its UUID.</summary>
internal sealed class EntityIdConverter<TId>() : ValueConverter<TId, Guid>(id => id.Value, FromGuid())
    where TId : struct, IEntityId
{
    private static Expression<Func<Guid, TId>> FromGuid()
    {
        var value = Expression.Parameter(typeof(Guid), "value");
        var constructor = typeof(TId).GetConstructor([typeof(Guid)])
            ?? throw new InvalidOperationException($"{typeof(TId).Name} needs a constructor taking a Guid.");
        return Expression.Lambda<Func<Guid, TId>>(Expression.New(constructor, value), value);
    }
}

/// <summary>Stores enums as the same lower-case snake_case words the API uses ("manual_match").</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()),
    v => Enum.Parse<TEnum>(v.Replace("_", "", StringComparison.Ordinal), true))
    where TEnum : struct, Enum;

/// <summary>SQLite cannot order or compare DateTimeOffset; UTC ticks sort correctly as integers.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
