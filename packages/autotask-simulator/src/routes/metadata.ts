/**
 * Metadata (docs/autotask.md, Picklists): `entityInformation` → `{info}`, `entityInformation/fields` →
 * `{fields}` with picklists, `entityInformation/userDefinedFields` → `{fields: []}`. Picklist
 * values are strings, inactive values stay in the list, and `picklistValues` is null for fields
 * that are not picklists.
 */
import type { ApiContext, ApiResult } from '../api-context.ts';
import type { EntityDescriptor } from '../entities.ts';

export function entityInformation(_ctx: ApiContext, entity: EntityDescriptor): ApiResult {
  const access = (allowed: boolean) => (allowed ? 'All' : 'None');
  return {
    body: {
      info: {
        name: entity.singular,
        canCreate: entity.canCreate,
        canDelete: entity.canDelete,
        canQuery: true,
        canUpdate: entity.canUpdate,
        userAccessForCreate: access(entity.canCreate),
        userAccessForDelete: access(entity.canDelete),
        userAccessForQuery: access(true),
        userAccessForUpdate: access(entity.canUpdate),
        hasUserDefinedFields: entity.hasUserDefinedFields,
        supportsWebhookCallouts: entity.supportsWebhookCallouts,
      },
    },
  };
}

export function fields(ctx: ApiContext, entity: EntityDescriptor): ApiResult {
  return {
    body: {
      fields: entity.fields.map((f) => ({
        name: f.name,
        dataType: f.dataType,
        length: f.length ?? 0,
        isRequired: f.isRequired ?? false,
        isReadOnly: f.isReadOnly ?? false,
        isQueryable: f.isQueryable ?? true,
        isReference: f.reference !== undefined,
        referenceEntityType: f.reference ?? '',
        isPickList: f.isPickList ?? false,
        picklistValues: f.isPickList ? ctx.state.picklist(entity.name, f.name).map((p) => ({ ...p })) : null,
        picklistParentValueField: f.picklistParentValueField ?? '',
        isSupportedWebhookField: entity.supportsWebhookCallouts && !(f.isReadOnly ?? false),
      })),
    },
  };
}

export function userDefinedFields(_ctx: ApiContext, _entity: EntityDescriptor): ApiResult {
  return { body: { fields: [] } };
}
