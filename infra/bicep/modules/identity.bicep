// The user-assigned managed identity the function app runs as (storage, deployment package, telemetry).

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Identity name.')
param name string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id.')
output id string = identity.id

@description('Client id (AzureWebJobsStorage__clientId).')
output clientId string = identity.properties.clientId

@description('Principal (object) id, for role assignments.')
output principalId string = identity.properties.principalId
