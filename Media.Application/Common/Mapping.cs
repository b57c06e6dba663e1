using Mapster;

namespace Media.Application.Common;

/// <summary>The DTO mappings of this layer (every IRegister here), in one configuration that no host has to remember to load.</summary>
internal static class Mapping
{
    public static readonly TypeAdapterConfig Config = Build();

    public static TDestination To<TDestination>(this object source) => source.Adapt<TDestination>(Config);

    private static TypeAdapterConfig Build()
    {
        var config = new TypeAdapterConfig();
        config.Scan(typeof(Mapping).Assembly);
        config.Compile();
        return config;
    }
}
