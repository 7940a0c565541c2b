import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../http/errors.js';
import type { App } from '../http/types.js';
import type { CoreServices } from '../services.js';

const LayerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  featureCount: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
  geojson: Type.String({ description: 'URL of the layer as GeoJSON' }),
});

const AreaRefSchema = Type.Union([
  Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
  Type.Null(),
]);

const LocateQuery = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
});

/** Public, read-only: the layers (areas are public geography, not personal data). */
export function registerAreasApi(app: App, core: CoreServices): void {
  app.get(
    '/api/areas',
    {
      schema: {
        tags: ['areas'],
        summary: 'Imported area layers (arrondissements, quartiers, sectors)',
        response: { 200: Type.Object({ layers: Type.Array(LayerSchema) }) },
      },
    },
    async () => {
      const layers = await core.areas.listLayers();
      return {
        layers: layers.map((l) => ({
          id: l.id,
          name: l.name,
          featureCount: l.featureCount,
          updatedAt: l.updatedAt.toISOString(),
          geojson: `/api/areas/${encodeURIComponent(l.id)}.geojson`,
        })),
      };
    },
  );

  app.get(
    '/api/areas/locate',
    {
      schema: {
        tags: ['areas'],
        summary: 'The area of each layer that contains a point (null when outside)',
        querystring: LocateQuery,
        response: {
          200: Type.Object({
            lat: Type.Number(),
            lon: Type.Number(),
            areas: Type.Record(Type.String(), AreaRefSchema),
          }),
        },
      },
    },
    async (request) => {
      const { lat, lon } = request.query;
      return { lat, lon, areas: await core.areas.locate({ lat, lon }) };
    },
  );

  app.get(
    '/api/areas/:layerId.geojson',
    {
      schema: {
        tags: ['areas'],
        summary: 'One layer as a GeoJSON FeatureCollection (id, code and name of each area)',
        params: Type.Object({ layerId: Type.String({ maxLength: 63 }) }),
      },
    },
    async (request, reply) => {
      const layer = await core.areas.layerGeoJson(request.params.layerId);
      if (!layer) throw new NotFoundError();
      reply.header('etag', layer.etag).header('cache-control', 'public, max-age=300, must-revalidate');
      if (request.headers['if-none-match'] === layer.etag) return reply.code(304).send();
      return reply.type('application/geo+json').send(layer.body);
    },
  );
}
